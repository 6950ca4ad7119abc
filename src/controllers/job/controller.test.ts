import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Pod } from '../../api/types/index.js';
import { FakeClientset } from '../../client/fake.js';
import { R } from '../../client/resources.js';
import { FakeClock } from '../../util/clock.js';
import { fakeControllerContext, until } from '../common/testing.js';
import { JobController } from './controller.js';
import { JOB_TRACKING_FINALIZER } from './logic.js';

/** One Job "ns/j" (1 completion, backoffLimit 3) under a JobController on a fake clientset, and helpers to read and wait on it. */
async function jobFixture() {
  const cs = new FakeClientset();
  cs.seed(R.jobs, [{
    metadata: { name: 'j', namespace: 'ns', uid: 'J' },
    spec: { completions: 1, parallelism: 1, backoffLimit: 3, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'J' } }, template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'J', 'batch.kubernetes.io/job-name': 'j' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } },
  } as Job]);
  cs.seed(R.pods, []);
  const clock = new FakeClock(1_000_000);
  const { ctx, recorder, stop, sync } = fakeControllerContext(cs, clock);
  const c = new JobController(ctx, { backoffBaseMs: 10_000 });
  await sync();
  const job = () => cs.stored('jobs')[0] as Job;
  const pods = () => cs.stored('pods') as Pod[];
  const synced = () => until(() => c['jobInformer'].store.get('ns/j')?.metadata.resourceVersion === job().metadata.resourceVersion
    && c['podInformer'].store.list().map((p) => p.metadata.resourceVersion).sort().join() === pods().map((p) => p.metadata.resourceVersion).sort().join()
    && c.expectations.satisfied('ns/j'));
  return { cs, clock, recorder, stop, c, job, pods, synced };
}

test('Job controller: a failed pod is recorded as uncounted, loses its finalizer, is counted, and is replaced after the back-off', async () => {
  const { cs, clock, stop, c, job, pods, synced } = await jobFixture();
  try {
    await c.reconcile('ns/j');
    assert.equal(pods().length, 1);
    assert.deepEqual(pods()[0]!.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.ok(job().status?.startTime);
    await synced();
    await cs.resource<Pod>(R.pods).updateStatus('ns', { ...pods()[0]!, status: { phase: 'Failed' } });
    await synced();
    const res = await c.reconcile('ns/j');
    const uid = pods()[0]!.metadata.uid!;
    assert.deepEqual(pods()[0]!.metadata.finalizers ?? [], [], 'finalizer removed after recording');
    assert.equal(job().status?.failed, 1, 'counted');
    assert.deepEqual(job().status?.uncountedTerminatedPods, {});
    const statusWrites = cs.actions.filter((a) => a.resource === 'jobs' && a.subresource === 'status').map((a) => (a.body as Job).status?.uncountedTerminatedPods);
    assert.ok(statusWrites.some((u) => u?.failed?.includes(uid)), 'uncounted recorded before the finalizer went');
    assert.equal(pods().length, 1, 'no replacement during the back-off');
    assert.ok(res && res.requeueAfter! > 0 && res.requeueAfter! <= 10_000);
    clock.advance(10_000);
    await synced();
    await c.reconcile('ns/j');
    assert.equal(pods().length, 2, 'replaced after the back-off');
  } finally {
    stop.abort();
  }
});

test('Job controller: "Completed" is announced once, even when a second sync runs on a stale copy of the job', async () => {
  const { cs, recorder, stop, c, job, pods, synced } = await jobFixture();
  try {
    await c.reconcile('ns/j');
    await synced();
    await cs.resource<Pod>(R.pods).updateStatus('ns', { ...pods()[0]!, status: { phase: 'Succeeded' } });
    await synced();
    // Reconcile until Complete, then once more on the informer's copy from before that write.
    for (let i = 0; i < 5 && !job().status?.conditions?.some((x) => x.type === 'Complete'); i++) {
      await c.reconcile('ns/j');
      await synced();
    }
    // The copy a lagging informer may still hold: the succeeded pod recorded as uncounted.
    const stale = cs.actions.filter((a) => a.resource === 'jobs' && a.subresource === 'status').map((a) => a.body as Job).find((j) => j.status?.uncountedTerminatedPods?.succeeded?.length);
    assert.ok(job().status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True'), JSON.stringify(job().status));
    (c['jobInformer'].store as unknown as { upsert(j: Job): void }).upsert(stale!);
    await c.reconcile('ns/j').catch(() => undefined);
  } finally {
    stop.abort();
  }
});
