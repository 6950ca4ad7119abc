import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';
import {
  equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, maxSurge, maxUnavailable, newRSNewReplicas, planOldScaleDown,
  proportionalSizes, replicaSetsToCleanup, resolveFenceposts,
} from './rollout-math.js';
import { setNewReplicaSetAnnotations, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS } from './annotations.js';
import { calculateStatus, rolloutConditions, deploymentTimedOut } from './conditions.js';

const tmpl = (image: string) => ({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image }] } });

function dep(replicas: number, surge: number | string = '25%', unavail: number | string = '25%', extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: { name: 'd', namespace: 'ns', uid: 'D', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'x' } }, template: tmpl('v2'), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavail } }, ...extra },
  };
}

function rs(name: string, replicas: number, available: number, image = 'v1', created = 0, ann: Record<string, string> = {}): ReplicaSet {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: rfc3339(created), annotations: ann, generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'x' } }, template: { ...tmpl(image), metadata: { labels: { app: 'x', 'pod-template-hash': name } } } },
    status: { replicas, availableReplicas: available, readyReplicas: available, observedGeneration: 1 },
  };
}

test('fenceposts: percentages round surge up and unavailable down; 0/0 becomes 0/1', () => {
  const table: [number, number | string, number | string, number, number][] = [
    [10, '25%', '25%', 3, 2], [4, '25%', '25%', 1, 1], [1, '25%', '25%', 1, 0], [3, 0, 0, 0, 1], [5, 2, '0%', 2, 0], [10, '100%', '50%', 10, 5],
  ];
  for (const [n, s, u, ws, wu] of table) assert.deepEqual(resolveFenceposts(dep(n, s, u)), { surge: ws, unavailable: wu }, `${n} ${s} ${u}`);
  assert.equal(maxUnavailable(dep(2, 0, 5)), 2);
  assert.equal(maxSurge({ ...dep(3), spec: { ...dep(3).spec, strategy: { type: 'Recreate' } } }), 0);
});

test('newRSNewReplicas respects maxSurge', () => {
  const d = dep(10, 3, 2);
  const old = rs('old', 10, 10);
  const n = rs('new', 0, 0, 'v2');
  assert.equal(newRSNewReplicas(d, [old, n], n), 3);
  const n2 = rs('new', 3, 0, 'v2');
  assert.equal(newRSNewReplicas(d, [rs('old', 8, 8), n2], n2), 5);
  assert.equal(newRSNewReplicas(d, [rs('old', 10, 10), n2], n2), 3);
});

test('planOldScaleDown keeps minAvailable and removes unhealthy first', () => {
  const d = dep(10, 3, 2);
  // new RS has 3 unavailable, old has 10 available; total 13, minAvailable 8 → maxScaledDown = 13-8-3 = 2
  const old = rs('old', 10, 10);
  const n = rs('new', 3, 0, 'v2', 10);
  assert.deepEqual([...planOldScaleDown(d, [old, n], [old], n)], [['old', 8]]);
  // unhealthy old pods go first even when availability is at the floor
  const sick = rs('sick', 4, 0, 'v0', 0);
  const ok = rs('ok', 8, 8, 'v1', 5);
  const n3 = rs('new', 1, 1, 'v2', 10);
  const plan = planOldScaleDown(d, [sick, ok, n3], [sick, ok], n3);
  assert.equal(plan.get('sick'), 0);
  assert.equal(plan.get('ok'), 7);
  // nothing to do when all old are gone
  assert.equal(planOldScaleDown(d, [n3], [], n3).size, 0);
});

test('a rolling update simulated step by step never violates surge/unavailable bounds', () => {
  const d = dep(10, 3, 2);
  let old = rs('old', 10, 10);
  let n = rs('new', 0, 0, 'v2', 10);
  for (let step = 0; step < 50 && !(n.spec.replicas === 10 && old.spec.replicas === 0); step++) {
    const up = newRSNewReplicas(d, [old, n], n);
    n = { ...n, spec: { ...n.spec, replicas: up } };
    const plan = planOldScaleDown(d, [old, n], [old], n);
    if (plan.has('old')) old = { ...old, spec: { ...old.spec, replicas: plan.get('old')! } };
    // pods converge: actual = spec; new pods become available
    old = { ...old, status: { replicas: old.spec.replicas!, availableReplicas: old.spec.replicas! } };
    n = { ...n, status: { replicas: n.spec.replicas!, availableReplicas: n.spec.replicas! } };
    assert.ok(old.spec.replicas! + n.spec.replicas! <= 13, `surge bound at step ${step}`);
    assert.ok(old.status!.availableReplicas! + n.status!.availableReplicas! >= 8, `availability bound at step ${step}`);
  }
  assert.equal(n.spec.replicas, 10);
  assert.equal(old.spec.replicas, 0);
});

test('proportional scaling splits additions by size and gives leftovers to the largest', () => {
  const d = dep(15, 3, 2); // was 10 → allowed 18
  const a = rs('a', 8, 8, 'v1', 0, { [MAX_REPLICAS]: '13' });
  const b = rs('b', 5, 0, 'v2', 10, { [MAX_REPLICAS]: '13' });
  const { sizes, op } = proportionalSizes(d, [a, b]);
  assert.equal(op, 'up');
  assert.equal(sizes.get('a')! + sizes.get('b')!, 18);
  assert.ok(sizes.get('a')! > sizes.get('b')!);
  const down = proportionalSizes(dep(0), [a, b]);
  assert.equal(down.sizes.get('a'), 0);
  assert.equal(down.sizes.get('b'), 0);
});

test('findNewReplicaSet ignores the hash label; findActiveOrLatest picks the only active RS', () => {
  const d = dep(3);
  const old = rs('old', 3, 3, 'v1', 0);
  const cur = rs('cur', 0, 0, 'v2', 5);
  assert.equal(findNewReplicaSet(d, [old, cur])?.metadata.name, 'cur');
  assert.ok(equalIgnoreHash(cur.spec.template, d.spec.template));
  assert.equal(findActiveOrLatest(cur, [old])?.metadata.name, 'old');
  assert.equal(findActiveOrLatest(undefined, [rs('x', 0, 0, 'v1', 1), rs('y', 0, 0, 'v1', 9)])?.metadata.name, 'y');
  assert.equal(findActiveOrLatest(rs('cur', 1, 0, 'v2'), [old]), undefined);
});

test('revision annotations: new RS gets max+1; rollback moves old revision into history', () => {
  const d = dep(3);
  d.metadata.annotations = { 'kubernetes.io/change-cause': 'x', [REVISION]: '2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  const fresh = rs('n', 0, 0, 'v2');
  assert.equal(setNewReplicaSetAnnotations(d, fresh, 3, false, 1), true);
  assert.equal(fresh.metadata.annotations![REVISION], '3');
  assert.equal(fresh.metadata.annotations!['kubernetes.io/change-cause'], 'x');
  assert.equal(fresh.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'], undefined);
  assert.equal(fresh.metadata.annotations![DESIRED_REPLICAS], '3');
  assert.equal(fresh.metadata.annotations![MAX_REPLICAS], '4');
  const back = rs('b', 0, 0, 'v1', 0, { [REVISION]: '1' });
  setNewReplicaSetAnnotations(d, back, 4, true, 1);
  assert.equal(back.metadata.annotations![REVISION], '4');
  assert.equal(back.metadata.annotations![REVISION_HISTORY], '1');
  assert.equal(setNewReplicaSetAnnotations(d, back, 4, true, 1), false);
});

test('history cleanup deletes the oldest scaled-down RSs beyond the limit', () => {
  const d = dep(3, 1, 1, { revisionHistoryLimit: 1 });
  const olds = [rs('r1', 0, 0, 'v', 0, { [REVISION]: '1' }), rs('r3', 0, 0, 'v', 0, { [REVISION]: '3' }), rs('r2', 0, 0, 'v', 0, { [REVISION]: '2' })];
  assert.deepEqual(replicaSetsToCleanup(d, olds).map((r) => r.metadata.name), ['r1', 'r2']);
  assert.deepEqual(replicaSetsToCleanup(d, [rs('busy', 1, 1), rs('idle', 0, 0)]).map((r) => r.metadata.name), []);
});

test('status and conditions: Available, ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded', () => {
  const d = dep(3, 1, 0, { progressDeadlineSeconds: 60 });
  const n = rs('n', 3, 1, 'v2');
  const s = calculateStatus([n], n, d, 1_000_000);
  assert.equal(s.availableReplicas, 1);
  assert.equal(s.unavailableReplicas, 2);
  assert.equal(s.conditions!.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasUnavailable');
  rolloutConditions(d, [n], n, s, 1_000_000);
  assert.equal(s.conditions!.find((c) => c.type === 'Progressing')!.reason, 'ReplicaSetUpdated');
  // no progress for longer than the deadline
  const stuck = { ...d, status: s };
  const s2 = calculateStatus([n], n, stuck, 1_000_000 + 61_000);
  assert.equal(deploymentTimedOut(stuck, s2, 1_000_000 + 61_000), true);
  rolloutConditions(stuck, [n], n, s2, 1_000_000 + 61_000);
  assert.equal(s2.conditions!.find((c) => c.type === 'Progressing')!.reason, 'ProgressDeadlineExceeded');
  const done = rs('n', 3, 3, 'v2');
  const s3 = calculateStatus([done], done, d, 2_000_000);
  rolloutConditions(d, [done], done, s3, 2_000_000);
  assert.equal(s3.conditions!.find((c) => c.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');
  assert.equal(s3.conditions!.find((c) => c.type === 'Available')!.status, 'True');
});

test('a scale-down still in flight (stale status) is not counted as available twice', () => {
  const d = dep(4, 1, 1);
  // old RS already scaled to 3 but its status still shows 4 available; new RS has 1 unavailable pod
  const old = rs('old', 3, 4);
  const n = rs('new', 2, 1, 'v2', 10);
  // capped availability = 3 + 1 = 4, minAvailable 3 → at most 1 more may go
  const plan = planOldScaleDown(d, [old, n], [old], n);
  assert.ok((plan.get('old') ?? 3) >= 2, `scaled old to ${plan.get('old')}`);
});
