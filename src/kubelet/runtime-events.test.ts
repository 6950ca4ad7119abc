import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntimeService } from './cri/fake-runtime.js';
import { watchContainerEvents } from './runtime-events.js';
import { FakeClock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';
import type { ContainerEvent } from './cri/runtime-service.js';

test('container events: a runtime without GetContainerEvents ends the watch (relist only)', async () => {
  const rt = new FakeRuntimeService();
  const end = await watchContainerEvents({ runtime: rt, onEvent: () => assert.fail('no events'), signal: new AbortController().signal, clock: new FakeClock(), logger: silentLogger() });
  assert.equal(end, 'unimplemented');
});

test('container events: events reach the handler until the signal aborts', async () => {
  const rt = new FakeRuntimeService();
  rt.eventsImplemented = true;
  const got: ContainerEvent[] = [];
  const ctl = new AbortController();
  const done = watchContainerEvents({ runtime: rt, onEvent: (e) => got.push(e), signal: ctl.signal, clock: new FakeClock(), logger: silentLogger() });
  await new Promise((r) => setImmediate(r));
  rt.emitEvent({ containerId: 'c1', type: 'CONTAINER_STOPPED_EVENT', createdAt: 1, podUid: 'u1' });
  rt.emitEvent({ containerId: 'c2', type: 'CONTAINER_STARTED_EVENT', createdAt: 2 });
  ctl.abort();
  assert.equal(await done, 'stopped');
  assert.deepEqual(got.map((e) => [e.containerId, e.type]), [['c1', 'CONTAINER_STOPPED_EVENT'], ['c2', 'CONTAINER_STARTED_EVENT']]);
});
