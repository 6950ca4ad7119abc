import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision, Pod, StatefulSet } from '../../api/types/index.js';
import { FakeClientset } from '../../client/fake.js';
import { R } from '../../client/resources.js';
import { FakeClock } from '../../util/clock.js';
import { fakeControllerContext, until } from '../common/testing.js';
import { templateOfRevision } from '../common/history.js';
import { StatefulSetController } from './controller.js';

test('StatefulSet controller: first sync creates the revision and web-0 only, with identity', async () => {
  const cs = new FakeClientset();
  cs.seed(R.statefulsets, [{
    metadata: { name: 'web', namespace: 'ns', uid: 'S', generation: 1 },
    spec: { replicas: 3, serviceName: 'web-headless', selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  } as StatefulSet]);
  cs.seed(R.pods, []);
  cs.seed(R.controllerrevisions, []);
  const { ctx, recorder, stop, sync } = fakeControllerContext(cs, new FakeClock(1_000_000));
  const c = new StatefulSetController(ctx);
  await sync();
  try {
    await c.reconcile('ns/web');
    const revs = cs.stored('controllerrevisions') as ControllerRevision[];
    assert.equal(revs.length, 1);
    assert.equal(revs[0]!.revision, 1);
    assert.deepEqual(templateOfRevision(revs[0]!)?.spec.containers[0]?.image, 'i');
    assert.deepEqual((revs[0]!.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
    const pods = cs.stored('pods') as Pod[];
    assert.deepEqual(pods.map((p) => p.metadata.name), ['web-0']);
    assert.equal(pods[0]!.metadata.labels?.['controller-revision-hash'], revs[0]!.metadata.name);
    assert.equal(pods[0]!.spec.subdomain, 'web-headless');
    assert.deepEqual(recorder.events.map((e) => e.message), ['create Pod web-0 in StatefulSet web successful']);
    // A second sync (cache caught up or not) neither duplicates the revision nor creates web-1.
    await until(() => c['revInformer'].store.list().length === 1);
    await c.reconcile('ns/web');
    assert.equal(cs.stored('controllerrevisions').length, 1);
    assert.equal(cs.stored('pods').length, 1);
    const st = (cs.stored('statefulsets')[0] as StatefulSet).status!;
    assert.equal(st.updateRevision, revs[0]!.metadata.name);
    assert.equal(st.currentRevision, revs[0]!.metadata.name);
  } finally {
    stop.abort();
  }
});
