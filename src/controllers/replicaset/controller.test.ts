import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ReplicaSet } from '../../api/types/index.js';
import { FakeClientset } from '../../client/fake.js';
import { newSharedInformerFactory } from '../../client/cache/informer.js';
import { newWorkQueue } from '../../client/workqueue/queue.js';
import { R } from '../../client/resources.js';
import { FakeClock } from '../../util/clock.js';
import { silentLogger } from '../../util/logger.js';
import { FakeRecorder } from '../common/context.js';
import { ReplicaSetController, planReplicas } from './controller.js';
import { makePod } from '../common/testing.js';

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
};

test('planReplicas creates the shortfall (capped) and deletes the cheapest victims', () => {
  assert.deepEqual(planReplicas([], 3), { create: 3, delete: [] });
  assert.equal(planReplicas([], 900).create, 500);
  const pods = [makePod({ name: 'ready', node: 'n', readySince: 0 }), makePod({ name: 'pending', phase: 'Pending' })];
  assert.deepEqual(planReplicas(pods, 1).delete.map((p) => p.metadata.name), ['pending']);
});

test('ReplicaSet controller: creates once despite a lagging cache, then scales down', async () => {
  const cs = new FakeClientset();
  const rs: ReplicaSet = {
    metadata: { name: 'rs', namespace: 'ns', uid: 'RS', generation: 1 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  };
  cs.seed(R.replicasets, [rs]);
  const stop = new AbortController();
  const informers = newSharedInformerFactory(cs, { logger: silentLogger() });
  const recorder = new FakeRecorder();
  const c = new ReplicaSetController({ clientset: cs, informers, clock: new FakeClock(1_000_000), logger: silentLogger(), recorder, newQueue: () => newWorkQueue() });
  informers.start(stop.signal);
  await informers.waitForSync(stop.signal);
  try {
    const creates = () => cs.actions.filter((a) => a.verb === 'create' && a.resource === 'pods').length;
    await c.reconcile('ns/rs');
    assert.equal(creates(), 3);
    // A second pass before the watch delivers the pods must not create more (expectations).
    await c.reconcile('ns/rs');
    assert.equal(creates(), 3);
    await until(() => cs.stored('pods').length === 3 && c.expectations.satisfied('ns/rs'));
    await c.reconcile('ns/rs');
    assert.equal(creates(), 3);
    for (const p of cs.stored('pods') as Pod[]) assert.equal(p.metadata.ownerReferences?.[0]?.uid, 'RS');
    assert.equal(recorder.events.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
    const status = (cs.stored('replicasets')[0] as ReplicaSet).status;
    assert.equal(status?.replicas, 3);
    // Scale down to 1.
    await cs.resource<ReplicaSet>(R.replicasets).patch('ns', 'rs', 'merge', { spec: { replicas: 1 } });
    await until(() => c['rsInformer'].store.get('ns/rs')?.spec.replicas === 1);
    await c.reconcile('ns/rs');
    assert.equal(cs.actions.filter((a) => a.verb === 'delete' && a.resource === 'pods').length, 2);
    await until(() => cs.stored('pods').length === 1);
  } finally {
    stop.abort();
  }
});
