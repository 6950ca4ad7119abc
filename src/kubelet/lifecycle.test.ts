import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeRuntimeService } from './cri/fake-runtime.js';
import { killPod, syncPod, type SyncDeps } from './sync-pod.js';
import { FakeClock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';
import type { Pod } from '../api/types/index.js';
import type { RuntimePod } from './runtime-state.js';

function deps(rt: FakeRuntimeService, root: string, events: string[], clock = new FakeClock(1_000_000)): SyncDeps {
  return {
    runtime: rt, images: rt,
    objects: { configMap: async () => undefined, secret: async () => undefined },
    rootDir: root, logRoot: path.join(root, 'logs'), clusterDNS: [], clusterDomain: 'cluster.local', hostIP: '127.0.0.1',
    clock, logger: silentLogger(), event: (_p, _t, reason, message) => events.push(`${reason}: ${message}`), backoff: new Map(),
  };
}

async function view(rt: FakeRuntimeService, pod: Pod): Promise<RuntimePod> {
  const sandboxes = await rt.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': pod.metadata.uid! } });
  const cs = await rt.listContainers({ labels: { 'io.kubernetes.pod.uid': pod.metadata.uid! } });
  return { uid: pod.metadata.uid!, name: pod.metadata.name!, namespace: pod.metadata.namespace!, sandboxes, containers: await Promise.all(cs.map((c) => rt.containerStatus(c.id))) };
}

function withRoot(fn: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-lifecycle-'));
    try {
      await fn(root);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
}

const hooked = (restartPolicy: 'Always' | 'Never', preStop?: string[]): Pod => ({
  metadata: { name: 'p', namespace: 'd', uid: `u-${restartPolicy}` },
  spec: {
    restartPolicy,
    terminationGracePeriodSeconds: 10,
    containers: [{ name: 'c', image: 'img:1', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'post'] } }, ...(preStop ? { preStop: { exec: { command: preStop } } } : {}) } }],
  },
});

const cases: { name: string; postStartExit: number; policy: 'Always' | 'Never'; wantKilled: boolean; wantWaiting?: string }[] = [
  { name: 'postStart succeeds: container keeps running', postStartExit: 0, policy: 'Always', wantKilled: false },
  { name: 'postStart fails, restartPolicy Always: killed, PostStartHookError', postStartExit: 1, policy: 'Always', wantKilled: true, wantWaiting: 'PostStartHookError' },
  { name: 'postStart fails, restartPolicy Never: killed, no waiting reason', postStartExit: 1, policy: 'Never', wantKilled: true },
];

for (const tc of cases) {
  test(`lifecycle: ${tc.name}`, withRoot(async (root) => {
    const rt = new FakeRuntimeService();
    rt.execResults.set('sh -c post', { exitCode: tc.postStartExit, output: 'boom' });
    const events: string[] = [];
    const { waiting } = await syncPod(hooked(tc.policy), undefined, deps(rt, root, events));
    const calls = rt.calls.filter((c) => !c.startsWith('RunPodSandbox') && !c.startsWith('PullImage'));
    assert.deepEqual(calls, ['CreateContainer c', 'StartContainer c', 'ExecSync sh -c post', ...(tc.wantKilled ? ['StopContainer'] : [])]);
    const c = [...rt.containers.values()][0]!;
    assert.equal(c.status.state, tc.wantKilled ? 'CONTAINER_EXITED' : 'CONTAINER_RUNNING');
    assert.equal(waiting.c?.reason, tc.wantWaiting);
    assert.equal(events.some((e) => e.startsWith('FailedPostStartHook: Exec lifecycle hook (["sh","-c","post"])') && e.includes('boom')), tc.wantKilled, events.join('\n'));
  }));
}

test('lifecycle: killPod runs preStop before StopContainer, and reports FailedPreStopHook', withRoot(async (root) => {
  const rt = new FakeRuntimeService();
  const events: string[] = [];
  const d = deps(rt, root, events);
  const pod = hooked('Always', ['sh', '-c', 'drain']);
  await syncPod(pod, undefined, d);
  rt.calls.length = 0;
  rt.execResults.set('sh -c drain', { exitCode: 2, output: 'no' });
  await killPod(pod.metadata.uid!, await view(rt, pod), 10, d, pod);
  assert.deepEqual(rt.calls, ['ExecSync sh -c drain', 'StopContainer', 'StopPodSandbox']);
  assert.ok(events.some((e) => e.startsWith('FailedPreStopHook: ')), events.join('\n'));
  assert.ok(events.includes('Killing: Stopping container c'));
}));

test('lifecycle: a preStop hook that outlives the grace period is abandoned and the container stopped', withRoot(async (root) => {
  const rt = new FakeRuntimeService();
  const clock = new FakeClock(1_000_000);
  const events: string[] = [];
  const d = deps(rt, root, events, clock);
  const pod: Pod = { metadata: { name: 's', namespace: 'd', uid: 'u-sleep' }, spec: { containers: [{ name: 'c', image: 'img:1', lifecycle: { preStop: { sleep: { seconds: 600 } } } }] } };
  await syncPod(pod, undefined, d);
  rt.calls.length = 0;
  const killed = killPod(pod.metadata.uid!, await view(rt, pod), 5, d, pod);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(rt.calls, [], 'waits for the hook');
  clock.advance(5_000);
  await killed;
  assert.deepEqual(rt.calls, ['StopContainer', 'StopPodSandbox']);
}));

test('lifecycle: a runtime that fails to stop a container earns ExceededGracePeriod', withRoot(async (root) => {
  const rt = new FakeRuntimeService();
  const events: string[] = [];
  const d = deps(rt, root, events);
  const pod: Pod = { metadata: { name: 'x', namespace: 'd', uid: 'u-x' }, spec: { containers: [{ name: 'c', image: 'img:1' }] } };
  await syncPod(pod, undefined, d);
  const id = [...rt.containers.keys()][0]!;
  rt.failStops.add(id);
  await killPod(pod.metadata.uid!, await view(rt, pod), 1, d, pod);
  assert.ok(events.some((e) => e.startsWith('ExceededGracePeriod: ')), events.join('\n'));
}));
