import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../util/clock.js';
import { makeNode, makePod } from '../testing/fixtures.js';
import { SchedulerCache } from './cache.js';
import { ClusterSnapshot } from './snapshot.js';

test('assumed pods count immediately, are confirmed by the watch, and expire when never confirmed', () => {
  const clock = new FakeClock(0);
  const c = new SchedulerCache({ clock, assumedTtlMs: 30_000 });
  c.addNode(makeNode('n1', { cpu: '4' }));
  const p = makePod('p', { cpu: '1' });
  c.assumePod(p, 'n1');
  assert.equal(c.getNodeInfo('n1')!.requested.milliCPU, 1000);
  assert.equal(c.isAssumed(p), true);
  // confirmed by the bound pod's event
  c.addPod({ ...p, spec: { ...p.spec, nodeName: 'n1' } });
  assert.equal(c.isAssumed(p), false);
  assert.equal(c.getNodeInfo('n1')!.requested.milliCPU, 1000);
  // a second pod: assumed, binding finished, never confirmed → expires after the TTL
  const q = makePod('q', { cpu: '2' });
  c.assumePod(q, 'n1');
  c.finishBinding(q);
  clock.advance(29_999);
  assert.deepEqual(c.cleanupExpiredAssumedPods(), []);
  clock.advance(1);
  assert.deepEqual(c.cleanupExpiredAssumedPods().map((x) => x.metadata.name), ['q']);
  assert.equal(c.getNodeInfo('n1')!.requested.milliCPU, 1000);
});

test('forgetPod undoes a failed binding; confirmation on another node moves the pod', () => {
  const c = new SchedulerCache({ clock: new FakeClock() });
  c.addNode(makeNode('n1'));
  c.addNode(makeNode('n2'));
  const p = makePod('p', { cpu: '1' });
  c.assumePod(p, 'n1');
  c.forgetPod(p);
  assert.equal(c.getNodeInfo('n1')!.requested.milliCPU, 0);
  c.assumePod(p, 'n1');
  c.addPod({ ...p, spec: { ...p.spec, nodeName: 'n2' } });
  assert.equal(c.getNodeInfo('n1')!.pods.length, 0);
  assert.equal(c.getNodeInfo('n2')!.pods.length, 1);
  c.removePod({ ...p, spec: { ...p.spec, nodeName: 'n2' } });
  assert.equal(c.podCount(), 0);
});

test('snapshots are incremental: unchanged nodes keep their clone, changed ones are re-cloned', () => {
  const c = new SchedulerCache({ clock: new FakeClock() });
  for (const n of ['a', 'b', 'c']) c.addNode(makeNode(n));
  const snap = new ClusterSnapshot();
  c.updateSnapshot(snap);
  assert.deepEqual(snap.list().map((n) => n.name), ['a', 'b', 'c']);
  const [a0, b0] = [snap.get('a'), snap.get('b')];
  c.assumePod(makePod('p', { cpu: '1' }), 'b');
  c.updateSnapshot(snap);
  assert.equal(snap.get('a'), a0, 'a untouched');
  assert.notEqual(snap.get('b'), b0, 'b re-cloned');
  assert.equal(b0!.requested.milliCPU, 0, 'old clone unaffected');
  assert.equal(snap.get('b')!.requested.milliCPU, 1000);
  assert.equal(snap.list()[1], snap.get('b'));
  // pods with affinity are indexed; node removal drops it from the list
  c.assumePod(makePod('q', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'x', labelSelector: {} }] } } } }), 'c');
  c.removeNode(makeNode('a'));
  c.updateSnapshot(snap);
  assert.deepEqual(snap.list().map((n) => n.name), ['b', 'c']);
  assert.deepEqual(snap.havePodsWithRequiredAntiAffinity().map((n) => n.name), ['c']);
  assert.equal(snap.havePodsWithRequiredAntiAffinity()[0], snap.get('c'), 'the current clone');
  // the lists are rebuilt after a change: another anti pod on b, then q gone from c
  c.assumePod(makePod('r', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'x', labelSelector: {} }] } } } }), 'b');
  c.updateSnapshot(snap);
  assert.deepEqual(snap.havePodsWithAffinity().map((n) => n.name), ['b', 'c']);
  c.forgetPod(makePod('q'));
  c.updateSnapshot(snap);
  assert.deepEqual(snap.havePodsWithRequiredAntiAffinity().map((n) => n.name), ['b']);
  assert.deepEqual(snap.havePodsWithAffinity().map((n) => n.name), ['b']);
});
