import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, StatefulSet } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { CONTROLLER_REVISION_HASH } from '../common/history.js';
import { computeStatefulSetStatus, planStatefulSet } from './plan.js';

const NOW = 1_000_000;

function set(o: { replicas: number; parallel?: boolean; partition?: number; onDelete?: boolean }): StatefulSet {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'S', generation: 2 },
    spec: {
      replicas: o.replicas, selector: { matchLabels: { app: 'web' } }, serviceName: 'web-headless',
      podManagementPolicy: o.parallel ? 'Parallel' : 'OrderedReady',
      updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
  };
}

/** Pod web-<ord>: "r" ready, "n" running not ready, "p" pending, "t" terminating, "f" failed; revision "a" (current) or "b" (update). */
function pod(ord: number, state: string, rev = 'b'): Pod {
  const p = makePod({ name: `web-${ord}`, phase: state === 'p' ? 'Pending' : state === 'f' ? 'Failed' : 'Running', readySince: state === 'r' || state === 't' ? 0 : undefined, labels: { app: 'web', [CONTROLLER_REVISION_HASH]: rev } });
  if (state === 't') p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  return p;
}

const plan = (s: StatefulSet, pods: Pod[]) => {
  const p = planStatefulSet({ set: s, pods, currentRevision: 'a', updateRevision: 'b', now: NOW });
  return { create: p.create.map((c) => `${c.ordinal}${c.revision === 'current' ? 'a' : 'b'}`), delete: p.delete.map((x) => x.metadata.name) };
};

test('StatefulSet plan: ordering decisions', () => {
  const cases: { name: string; set: StatefulSet; pods: Pod[]; create: string[]; delete: string[] }[] = [
    { name: 'OrderedReady creates web-0 first', set: set({ replicas: 3 }), pods: [], create: ['0b'], delete: [] },
    { name: 'OrderedReady waits for web-0 Ready', set: set({ replicas: 3 }), pods: [pod(0, 'n')], create: [], delete: [] },
    { name: 'OrderedReady waits for a pending pod', set: set({ replicas: 3 }), pods: [pod(0, 'p')], create: [], delete: [] },
    { name: 'OrderedReady creates the next once ready', set: set({ replicas: 3 }), pods: [pod(0, 'r')], create: ['1b'], delete: [] },
    { name: 'OrderedReady fills a hole in order', set: set({ replicas: 3 }), pods: [pod(0, 'r'), pod(2, 'r')], create: ['1b'], delete: [] },
    { name: 'failed pod is deleted to be recreated', set: set({ replicas: 2 }), pods: [pod(0, 'f'), pod(1, 'r')], create: [], delete: ['web-0'] },
    { name: 'Parallel creates all at once', set: set({ replicas: 3, parallel: true }), pods: [], create: ['0b', '1b', '2b'], delete: [] },
    { name: 'scale down removes the highest ordinal first, one at a time', set: set({ replicas: 1 }), pods: [pod(0, 'r'), pod(1, 'r'), pod(2, 'r')], create: [], delete: ['web-2'] },
    { name: 'scale down waits for the terminating pod', set: set({ replicas: 1 }), pods: [pod(0, 'r'), pod(1, 'r'), pod(2, 't')], create: [], delete: [] },
    { name: 'scale down waits while a replica is unhealthy', set: set({ replicas: 1 }), pods: [pod(0, 'n'), pod(1, 'r')], create: [], delete: [] },
    { name: 'Parallel scale down removes all condemned', set: set({ replicas: 1, parallel: true }), pods: [pod(0, 'r'), pod(1, 'r'), pod(2, 'r')], create: [], delete: ['web-2', 'web-1'] },
    { name: 'rolling update starts at the highest ordinal', set: set({ replicas: 3 }), pods: [pod(0, 'r', 'a'), pod(1, 'r', 'a'), pod(2, 'r', 'a')], create: [], delete: ['web-2'] },
    { name: 'rolling update waits for the replaced pod to be ready', set: set({ replicas: 3 }), pods: [pod(0, 'r', 'a'), pod(1, 'r', 'a'), pod(2, 'n', 'b')], create: [], delete: [] },
    { name: 'rolling update continues downward', set: set({ replicas: 3 }), pods: [pod(0, 'r', 'a'), pod(1, 'r', 'a'), pod(2, 'r', 'b')], create: [], delete: ['web-1'] },
    { name: 'partition keeps lower ordinals', set: set({ replicas: 3, partition: 2 }), pods: [pod(0, 'r', 'a'), pod(1, 'r', 'a'), pod(2, 'r', 'b')], create: [], delete: [] },
    { name: 'below the partition, recreated pods take the current revision', set: set({ replicas: 3, partition: 2 }), pods: [pod(1, 'r', 'a'), pod(2, 'r', 'b')], create: ['0a'], delete: [] },
    { name: 'OnDelete never deletes for an update', set: set({ replicas: 2, onDelete: true }), pods: [pod(0, 'r', 'a'), pod(1, 'r', 'a')], create: [], delete: [] },
    { name: 'OnDelete recreates with the update revision', set: set({ replicas: 2, onDelete: true }), pods: [pod(0, 'r', 'a')], create: ['1b'], delete: [] },
  ];
  for (const c of cases) assert.deepEqual(plan(c.set, c.pods), { create: c.create, delete: c.delete }, c.name);
});

test('StatefulSet status: counts and completion of a rolling update', () => {
  const s = set({ replicas: 3 });
  const st = computeStatefulSetStatus({ set: s, pods: [pod(0, 'r', 'a'), pod(1, 'n', 'b'), pod(2, 'r', 'b')], currentRevision: 'a', updateRevision: 'b', now: NOW, collisionCount: 0 });
  assert.deepEqual({ ...st }, { observedGeneration: 2, replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 1, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'b', collisionCount: 0 });
  const done = computeStatefulSetStatus({ set: s, pods: [pod(0, 'r'), pod(1, 'r'), pod(2, 'r')], currentRevision: 'a', updateRevision: 'b', now: NOW, collisionCount: 0 });
  assert.equal(done.currentRevision, 'b');
  assert.equal(done.currentReplicas, 3);
});
