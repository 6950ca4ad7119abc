import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPodStatus } from './status.js';
import type { Pod } from '../api/types/index.js';
import type { RuntimePod } from './runtime-state.js';
import type { ContainerStatus } from './cri/runtime-service.js';

const pod = (restartPolicy: Pod['spec']['restartPolicy'] = 'Always'): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u1' }, spec: { restartPolicy, containers: [{ name: 'a', image: 'img' }] } });
const ctr = (state: ContainerStatus['state'], exitCode = 0, attempt = 0): ContainerStatus => ({ id: `c${attempt}`, name: 'a', attempt, state, createdAt: 1, startedAt: 1_700_000_000e9, finishedAt: 1_700_000_100e9, exitCode, image: 'img', imageRef: 'sha256:abc', reason: '', message: '', labels: {}, annotations: { 'io.kubernetes.container.restartCount': String(attempt) }, logPath: '' });
const rp = (containers: ContainerStatus[]): RuntimePod => ({ uid: 'u1', name: 'p', namespace: 'd', sandboxes: [{ id: 's', metadata: { name: 'p', uid: 'u1', namespace: 'd', attempt: 0 }, state: 'SANDBOX_READY', createdAt: 1, labels: {}, annotations: {}, ip: '10.244.0.7' } as RuntimePod['sandboxes'][0]], containers });
const o = { now: Date.parse('2026-01-01T00:00:00Z'), hostIP: '192.0.2.1', waiting: {} };

test('phase, readiness and IPs as the kubelet reports them', () => {
  const cases: [Pod, ContainerStatus[], string, boolean][] = [
    [pod(), [], 'Pending', false],
    [pod(), [ctr('CONTAINER_RUNNING')], 'Running', true],
    [pod('Never'), [ctr('CONTAINER_EXITED', 0)], 'Succeeded', false],
    [pod('Never'), [ctr('CONTAINER_EXITED', 2)], 'Failed', false],
    [pod('Always'), [ctr('CONTAINER_EXITED', 2)], 'Running', false],
  ];
  for (const [p, cs, phase, ready] of cases) {
    const s = buildPodStatus(p, rp(cs), o);
    assert.equal(s.phase, phase, `${p.spec.restartPolicy} ${cs.map((c) => c.state)}`);
    assert.equal(s.conditions!.find((c) => c.type === 'Ready')!.status, ready ? 'True' : 'False');
    assert.equal(s.podIP, '10.244.0.7');
    assert.equal(s.hostIP, '192.0.2.1');
  }
});

test('container states, last state and crash-loop waiting reason', () => {
  const s = buildPodStatus(pod(), rp([ctr('CONTAINER_EXITED', 1, 0), ctr('CONTAINER_EXITED', 1, 1)]), { ...o, waiting: { a: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } } });
  const c = s.containerStatuses![0]!;
  assert.equal(c.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(c.lastState?.terminated?.exitCode, 1);
  assert.equal(c.lastState?.terminated?.reason, 'Error');
  assert.equal(c.restartCount, 1);
  assert.equal(c.containerID, 'containerd://c1');
  assert.equal(c.imageID, 'sha256:abc');
  const running = buildPodStatus(pod(), rp([ctr('CONTAINER_RUNNING')]), o).containerStatuses![0]!;
  assert.equal(running.state?.running?.startedAt, '2023-11-14T22:13:20Z');
});
