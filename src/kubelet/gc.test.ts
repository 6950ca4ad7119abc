import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GC_POLICY, planGarbageCollection, type GcPolicy } from './gc.js';
import type { RuntimePod } from './runtime-state.js';
import type { ContainerStatus } from './cri/runtime-service.js';

const S = 1e9; // ns per second
function c(id: string, name: string, attempt: number, state: ContainerStatus['state'], finishedSec: number, sandbox = 'sb1'): ContainerStatus {
  return { id, name, attempt, state, createdAt: attempt, startedAt: 0, finishedAt: finishedSec * S, exitCode: 1, image: '', imageRef: '', reason: '', message: '', labels: {}, annotations: {}, logPath: '', podSandboxId: sandbox };
}
function sb(id: string, ready: boolean, createdAt: number, attempt = createdAt) {
  return { id, metadata: { name: 'p', uid: 'u', namespace: 'd', attempt }, state: ready ? 'SANDBOX_READY' as const : 'SANDBOX_NOTREADY' as const, createdAt, labels: {}, annotations: {} };
}
function pod(uid: string, sandboxes: RuntimePod['sandboxes'], containers: ContainerStatus[]): RuntimePod {
  return { uid, name: uid, namespace: 'd', sandboxes, containers };
}

const cases: { name: string; pods: RuntimePod[]; policy?: Partial<GcPolicy>; now?: number; containers: string[]; sandboxes: string[] }[] = [
  {
    name: 'running container and one dead predecessor stay',
    pods: [pod('a', [sb('sb1', true, 1)], [c('a0', 'c', 0, 'CONTAINER_EXITED', 10), c('a1', 'c', 1, 'CONTAINER_RUNNING', 0)])],
    containers: [], sandboxes: [],
  },
  {
    name: 'older dead instances beyond one per container go; the current dead one stays',
    pods: [pod('a', [sb('sb1', true, 1)], [c('a0', 'c', 0, 'CONTAINER_EXITED', 10), c('a1', 'c', 1, 'CONTAINER_EXITED', 20), c('a2', 'c', 2, 'CONTAINER_EXITED', 30), c('a3', 'c', 3, 'CONTAINER_EXITED', 40)])],
    containers: ['a1', 'a0'], sandboxes: [],
  },
  {
    name: 'per container name, not per pod',
    pods: [pod('a', [sb('sb1', true, 1)], [c('x0', 'x', 0, 'CONTAINER_EXITED', 1), c('x1', 'x', 1, 'CONTAINER_RUNNING', 0), c('y0', 'y', 0, 'CONTAINER_EXITED', 1), c('y1', 'y', 1, 'CONTAINER_EXITED', 2), c('y2', 'y', 2, 'CONTAINER_RUNNING', 0)])],
    containers: ['y0'], sandboxes: [],
  },
  {
    name: 'minimum age keeps young dead containers',
    pods: [pod('a', [sb('sb1', true, 1)], [c('a0', 'c', 0, 'CONTAINER_EXITED', 95), c('a1', 'c', 1, 'CONTAINER_EXITED', 99), c('a2', 'c', 2, 'CONTAINER_RUNNING', 0)])],
    policy: { minAgeMs: 10_000 }, now: 100_000,
    containers: [], sandboxes: [],
  },
  {
    name: 'node-wide maximum evicts the oldest kept dead containers, never a current one',
    pods: [
      pod('a', [sb('sa', true, 1)], [c('a0', 'c', 0, 'CONTAINER_EXITED', 10, 'sa'), c('a1', 'c', 1, 'CONTAINER_RUNNING', 0, 'sa')]),
      pod('b', [sb('sb', true, 1)], [c('b0', 'c', 0, 'CONTAINER_EXITED', 20, 'sb'), c('b1', 'c', 1, 'CONTAINER_EXITED', 30, 'sb')]),
    ],
    policy: { maxContainers: 1 },
    containers: ['a0', 'b0'], sandboxes: [],
  },
  {
    name: 'dead sandboxes without containers go, except the newest of the pod',
    pods: [pod('a', [sb('old', false, 1), sb('mid', false, 2), sb('new', false, 3)], [c('a0', 'c', 0, 'CONTAINER_EXITED', 10, 'mid'), c('a1', 'c', 1, 'CONTAINER_EXITED', 20, 'new')])],
    containers: [], sandboxes: ['old'],
  },
  {
    name: 'a sandbox whose last containers are collected in this pass goes too',
    pods: [pod('a', [sb('s1', false, 1), sb('s2', false, 2), sb('s3', true, 3)], [c('a0', 'c', 0, 'CONTAINER_EXITED', 10, 's1'), c('a1', 'c', 1, 'CONTAINER_EXITED', 20, 's2'), c('a2', 'c', 2, 'CONTAINER_RUNNING', 0, 's3')])],
    containers: ['a0'], sandboxes: ['s1'],
  },
];

for (const tc of cases) {
  test(`gc: ${tc.name}`, () => {
    const plan = planGarbageCollection(tc.pods, { ...DEFAULT_GC_POLICY, ...tc.policy }, tc.now ?? 1_000_000);
    assert.deepEqual(plan.containers.sort(), tc.containers.sort());
    assert.deepEqual(plan.sandboxes.sort(), tc.sandboxes.sort());
  });
}
