import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newWorkQueue, runWorkers } from './queue.js';
import { FakeClock } from '../../util/clock.js';
import { silentLogger } from '../../util/logger.js';

test('dedups queued keys and re-queues keys added while processing', async () => {
  const q = newWorkQueue<string>();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.len(), 2);
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a');
  assert.equal(q.len(), 1, 'a is processing: not queued twice');
  assert.equal(await q.get(), 'b');
  q.done('a');
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
});

test('rate limiting backs off exponentially per key and forget resets', async () => {
  const clock = new FakeClock();
  const q = newWorkQueue<string>({ clock, baseDelayMs: 10, maxDelayMs: 100 });
  q.addRateLimited('x');
  assert.equal(q.len(), 0);
  clock.advance(10);
  await new Promise((r) => setImmediate(r));
  assert.equal(q.len(), 1);
  await q.get();
  q.done('x');
  q.addRateLimited('x');
  clock.advance(10);
  await new Promise((r) => setImmediate(r));
  assert.equal(q.len(), 0, 'second failure waits 20ms');
  clock.advance(10);
  await new Promise((r) => setImmediate(r));
  assert.equal(q.len(), 1);
  assert.equal(q.numRequeues('x'), 2);
  q.forget('x');
  assert.equal(q.numRequeues('x'), 0);
});

test('runWorkers never runs one key on two workers and retries failures', async () => {
  const q = newWorkQueue<string>({ baseDelayMs: 1 });
  const ctl = new AbortController();
  let active = 0;
  let maxActive = 0;
  let calls = 0;
  let failOnce = true;
  const done = runWorkers(q, {
    reconcile: async (key) => {
      if (key !== 'k') return;
      active++;
      maxActive = Math.max(maxActive, active);
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (failOnce) {
        failOnce = false;
        throw new Error('boom');
      }
    },
  }, 4, ctl.signal, silentLogger());
  q.add('k');
  await new Promise((r) => setTimeout(r, 1));
  q.add('k');
  q.add('k');
  await new Promise((r) => setTimeout(r, 100));
  ctl.abort();
  await done;
  assert.equal(maxActive, 1);
  assert.ok(calls >= 2 && calls <= 3, `calls=${calls}`);
});
