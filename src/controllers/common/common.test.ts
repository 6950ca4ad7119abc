import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash, fnv32a, safeEncodeString, canonicalJson } from './hash.js';
import { scaledValue } from './int-or-percent.js';
import { isPodAvailable, isPodReady } from './pod-util.js';
import { compareVictims, pickVictims } from './active-pods.js';
import { Expectations } from './expectations.js';
import { FakeClock } from '../../util/clock.js';
import { planClaims, adoptPatch, releasePatch } from './controller-ref.js';
import { podFromTemplate } from './pod-template.js';
import { slowStartBatch } from './batch.js';
import { makePod } from './testing.js';

test('fnv32a matches the published test vectors', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
});

test('safeEncodeString maps digits through the safe alphabet', () => {
  // '0' is char 48; 48 % 27 = 21 -> '4'; '1' -> 49 % 27 = 22 -> '5'
  assert.equal(safeEncodeString('01'), '45');
  assert.match(computeHash({ spec: { containers: [] } }), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('computeHash is stable under key order and changes with collisionCount', () => {
  const a = { metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
  const b = { spec: { containers: [{ image: 'x', name: 'c' }] }, metadata: { labels: { b: '2', a: '1' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(computeHash(a), computeHash(b));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.notEqual(computeHash(a), computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'y' }] } }));
});

test('scaledValue resolves ints and percentages', () => {
  const cases: [number | string | undefined, number, boolean, number][] = [
    [3, 10, true, 3], ['25%', 10, true, 3], ['25%', 10, false, 2], ['100%', 7, false, 7], [undefined, 4, true, 0], ['5', 10, true, 5],
  ];
  for (const [v, total, up, want] of cases) assert.equal(scaledValue(v, total, up), want, `${v} of ${total}`);
  assert.throws(() => scaledValue('abc', 10, true));
});

test('readiness and availability honour minReadySeconds', () => {
  const p = makePod({ name: 'p', readySince: 10_000 });
  assert.equal(isPodReady(p), true);
  assert.equal(isPodAvailable(p, 0, 10_000), true);
  assert.equal(isPodAvailable(p, 5, 14_000), false);
  assert.equal(isPodAvailable(p, 5, 15_000), true);
  assert.equal(isPodAvailable(makePod({ name: 'q' }), 0, 99_000), false);
});

test('victims: unassigned < pending < unknown < running, not-ready < ready, recent-ready, restarts, newest', () => {
  const pods = [
    makePod({ name: 'ready-old', node: 'n1', readySince: 1000, created: 0 }),
    makePod({ name: 'unassigned', phase: 'Pending' }),
    makePod({ name: 'pending', node: 'n1', phase: 'Pending' }),
    makePod({ name: 'unknown', node: 'n1', phase: 'Unknown' }),
    makePod({ name: 'running-notready', node: 'n1' }),
    makePod({ name: 'ready-recent', node: 'n1', readySince: 5000, created: 0 }),
  ];
  const order = [...pods].sort((a, b) => compareVictims(a, b)).map((p) => p.metadata.name);
  assert.deepEqual(order, ['unassigned', 'pending', 'unknown', 'running-notready', 'ready-recent', 'ready-old']);
  const r1 = makePod({ name: 'r1', node: 'n', restarts: 1, created: 0 });
  const r5 = makePod({ name: 'r5', node: 'n', restarts: 5, created: 0 });
  assert.ok(compareVictims(r5, r1) < 0);
  const old = makePod({ name: 'old', node: 'n', created: 1000 });
  const young = makePod({ name: 'young', node: 'n', created: 9000 });
  assert.ok(compareVictims(young, old) < 0);
});

test('victims prefer pods on crowded nodes', () => {
  const pods = [
    makePod({ name: 'a', node: 'lonely', readySince: 1000 }),
    makePod({ name: 'b', node: 'crowded', readySince: 1000 }),
    makePod({ name: 'c', node: 'crowded', readySince: 1000 }),
  ];
  const v = pickVictims(pods, 1);
  assert.equal(v[0]!.spec.nodeName, 'crowded');
  assert.equal(pickVictims(pods, 0).length, 0);
  assert.equal(pickVictims(pods, 5).length, 3);
});

test('expectations: pending until observed, expire after TTL', () => {
  const clock = new FakeClock(0);
  const e = new Expectations({ clock, ttlMs: 1000 });
  assert.equal(e.satisfied('k'), true);
  e.expectCreations('k', 2);
  assert.equal(e.satisfied('k'), false);
  e.creationObserved('k');
  assert.equal(e.satisfied('k'), false);
  e.creationObserved('k');
  assert.equal(e.satisfied('k'), true);
  e.expectDeletions('k', ['ns/a', 'ns/b']);
  e.deletionObserved('k', 'ns/a');
  e.deletionObserved('k', 'ns/a');
  e.deletionObserved('k', 'ns/zzz');
  assert.equal(e.satisfied('k'), false);
  clock.advance(1001);
  assert.equal(e.satisfied('k'), true);
  e.expectCreations('k', 1);
  e.delete('k');
  assert.equal(e.satisfied('k'), true);
});

test('planClaims adopts matching orphans, releases non-matching owned, ignores others', () => {
  const owner = { metadata: { name: 'rs', uid: 'U' } };
  const pods = [
    makePod({ name: 'owned', labels: { app: 'x' }, ownerUid: 'U' }),
    makePod({ name: 'owned-nomatch', labels: { app: 'y' }, ownerUid: 'U' }),
    makePod({ name: 'orphan', labels: { app: 'x' } }),
    makePod({ name: 'orphan-nomatch', labels: { app: 'y' } }),
    makePod({ name: 'other', labels: { app: 'x' }, ownerUid: 'V' }),
  ];
  const plan = planClaims(owner, pods, (p) => p.metadata.labels?.app === 'x');
  assert.deepEqual(plan.owned.map((p) => p.metadata.name), ['owned']);
  assert.deepEqual(plan.adopt.map((p) => p.metadata.name), ['orphan']);
  assert.deepEqual(plan.release.map((p) => p.metadata.name), ['owned-nomatch']);
  const deleting = planClaims({ metadata: { name: 'rs', uid: 'U', deletionTimestamp: 'x' } }, pods, (p) => p.metadata.labels?.app === 'x');
  assert.equal(deleting.adopt.length, 0);
  assert.deepEqual(adoptPatch(pods[2]!, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'U', controller: true }),
    { metadata: { uid: 'uid-orphan', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'U', controller: true }] } });
  assert.deepEqual(releasePatch(pods[1]!, 'U'), { metadata: { ownerReferences: null, uid: 'uid-owned-nomatch' } });
});

test('podFromTemplate copies labels, annotations, spec and sets the controller ref', () => {
  const tmpl = { metadata: { labels: { app: 'x' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const pod = podFromTemplate(tmpl, { namespace: 'ns', generateName: 'rs-', controllerRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'U', controller: true } });
  assert.equal(pod.metadata.generateName, 'rs-');
  assert.deepEqual(pod.metadata.labels, { app: 'x' });
  assert.deepEqual(pod.metadata.annotations, { a: 'b' });
  assert.equal(pod.metadata.ownerReferences![0]!.uid, 'U');
  pod.spec.containers[0]!.image = 'changed';
  assert.equal(tmpl.spec.containers[0]!.image, 'i');
});

test('slowStartBatch doubles batches and stops after a failing batch', async () => {
  const seen: number[] = [];
  const r = await slowStartBatch(10, 1, async (i) => {
    seen.push(i);
  });
  assert.deepEqual(r, { ok: 10, attempted: 10 });
  const r2 = await slowStartBatch(10, 1, async (i) => {
    if (i === 2) throw new Error('boom');
  });
  // batches: [0], [1,2] fails -> stop after 3 attempted
  assert.equal(r2.ok, 2);
  assert.equal(r2.attempted, 3);
  assert.equal((r2.error as Error).message, 'boom');
});
