import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePodActions, nextBackoff, podFinished, shouldRestart, type BackoffState } from './pod-actions.js';
import type { Pod } from '../api/types/index.js';
import type { RuntimePod } from './runtime-state.js';
import type { ContainerStatus } from './cri/runtime-service.js';

const pod = (spec: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u1', ...meta }, spec: { containers: [{ name: 'a', image: 'i' }], ...spec } });
const ctr = (name: string, state: ContainerStatus['state'], attempt = 0, exitCode = 0, restarts = 0): ContainerStatus => ({ id: `${name}-${attempt}`, name, attempt, state, createdAt: 1, startedAt: 1, finishedAt: 2e9, exitCode, image: 'i', imageRef: 'sha256:x', reason: '', message: '', labels: {}, annotations: { 'io.kubernetes.container.restartCount': String(restarts) }, logPath: '' });
const rp = (containers: ContainerStatus[], ready = true): RuntimePod => ({ uid: 'u1', name: 'p', namespace: 'd', sandboxes: [{ id: 's1', metadata: { name: 'p', uid: 'u1', namespace: 'd', attempt: 0 }, state: ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY', createdAt: 1, labels: {}, annotations: {} }], containers });

test('plan table', () => {
  const none: BackoffState = new Map();
  const cases: { name: string; pod: Pod; rp?: RuntimePod; backoff?: BackoffState; want: { createSandbox: boolean; killPod: boolean; start: string[]; backoff?: string[] } }[] = [
    { name: 'new pod: sandbox and every container', pod: pod({ containers: [{ name: 'a' }, { name: 'b' }] }), want: { createSandbox: true, killPod: false, start: ['a', 'b'] } },
    { name: 'running: nothing to do', pod: pod(), rp: rp([ctr('a', 'CONTAINER_RUNNING')]), want: { createSandbox: false, killPod: false, start: [] } },
    { name: 'exited under Always: restart', pod: pod(), rp: rp([ctr('a', 'CONTAINER_EXITED', 0, 1)]), want: { createSandbox: false, killPod: false, start: ['a'] } },
    { name: 'exited 0 under OnFailure: done', pod: pod({ restartPolicy: 'OnFailure' }), rp: rp([ctr('a', 'CONTAINER_EXITED', 0, 0)]), want: { createSandbox: false, killPod: false, start: [] } },
    { name: 'exited 1 under OnFailure: restart', pod: pod({ restartPolicy: 'OnFailure' }), rp: rp([ctr('a', 'CONTAINER_EXITED', 0, 1)]), want: { createSandbox: false, killPod: false, start: ['a'] } },
    { name: 'exited under Never: done', pod: pod({ restartPolicy: 'Never' }), rp: rp([ctr('a', 'CONTAINER_EXITED', 0, 1)]), want: { createSandbox: false, killPod: false, start: [] } },
    { name: 'in back-off: wait', pod: pod(), rp: rp([ctr('a', 'CONTAINER_EXITED', 0, 1)]), backoff: new Map([['u1/a', { until: 5000, delayMs: 10000 }]]), want: { createSandbox: false, killPod: false, start: [], backoff: ['a'] } },
    { name: 'sandbox died: recreate, kill leftovers', pod: pod(), rp: rp([ctr('a', 'CONTAINER_RUNNING')], false), want: { createSandbox: true, killPod: true, start: ['a'] } },
    { name: 'init containers run first, one at a time', pod: pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] }), want: { createSandbox: true, killPod: false, start: ['i1'] } },
    { name: 'second init after the first succeeded', pod: pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] }), rp: rp([ctr('i1', 'CONTAINER_EXITED', 0, 0)]), want: { createSandbox: false, killPod: false, start: ['i2'] } },
    { name: 'app containers after all init', pod: pod({ initContainers: [{ name: 'i1' }] }), rp: rp([ctr('i1', 'CONTAINER_EXITED', 0, 0)]), want: { createSandbox: false, killPod: false, start: ['a'] } },
    { name: 'running init blocks apps', pod: pod({ initContainers: [{ name: 'i1' }] }), rp: rp([ctr('i1', 'CONTAINER_RUNNING')]), want: { createSandbox: false, killPod: false, start: [] } },
    { name: 'a finished pod never runs again, even without a sandbox', pod: { ...pod({ restartPolicy: 'Never' }), status: { phase: 'Succeeded' } }, want: { createSandbox: false, killPod: false, start: [] } },
    { name: 'deletion kills', pod: pod({}, { deletionTimestamp: '2026-01-01T00:00:00Z' }), rp: rp([ctr('a', 'CONTAINER_RUNNING')]), want: { createSandbox: false, killPod: true, start: [] } },
  ];
  for (const c of cases) {
    const got = computePodActions(c.pod, c.rp, c.backoff ?? none, 1000);
    assert.deepEqual({ createSandbox: got.createSandbox, killPod: got.killPod, start: got.start.map((s) => s.container.name), ...(c.want.backoff ? { backoff: Object.keys(got.backoff) } : {}) }, c.want, c.name);
  }
});

test('restart counts and attempts carry on', () => {
  const got = computePodActions(pod(), rp([ctr('a', 'CONTAINER_EXITED', 3, 1, 3)]), new Map(), 0);
  assert.deepEqual([got.start[0]!.attempt, got.start[0]!.restartCount], [4, 4]);
});

test('restart policy, finished pods and back-off growth', () => {
  assert.equal(shouldRestart('Always', 0), true);
  assert.equal(shouldRestart('OnFailure', 0), false);
  assert.equal(shouldRestart('Never', 2), false);
  assert.equal(podFinished(pod({ restartPolicy: 'Never' }), rp([ctr('a', 'CONTAINER_EXITED', 0, 1)])), true);
  assert.equal(podFinished(pod({ restartPolicy: 'Always' }), rp([ctr('a', 'CONTAINER_EXITED', 0, 1)])), false);
  let b = nextBackoff(undefined, 0);
  const delays = [b.delayMs];
  for (let i = 0; i < 7; i++) delays.push((b = nextBackoff(b, 0)).delayMs);
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});
