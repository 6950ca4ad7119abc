import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, Job } from '../../api/types/index.js';
import { FakeClientset } from '../../client/fake.js';
import { R } from '../../client/resources.js';
import { FakeClock, rfc3339 } from '../../util/clock.js';
import { fakeControllerContext, until } from '../common/testing.js';
import { CronJobController } from './controller.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

async function fixture(spec: Partial<CronJob['spec']>) {
  const cs = new FakeClientset();
  cs.seed(R.cronjobs, [{
    metadata: { name: 'tick', namespace: 'ns', uid: 'C', creationTimestamp: rfc3339(T0) },
    spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...spec },
  } as CronJob]);
  cs.seed(R.jobs, []);
  const clock = new FakeClock(T0);
  const { ctx, recorder, stop, sync } = fakeControllerContext(cs, clock);
  const c = new CronJobController(ctx);
  await sync();
  const cj = () => cs.stored('cronjobs')[0] as CronJob;
  const jobs = () => (cs.stored('jobs') as Job[]).map((j) => j.metadata.name).sort();
  /** Advances the clock, waits for the cache to catch up with the store, reconciles. */
  const step = async (ms: number) => {
    clock.advance(ms);
    await until(() => c['cjInformer'].store.get('ns/tick')?.metadata.resourceVersion === cj().metadata.resourceVersion && c['jobInformer'].store.list().length === cs.stored('jobs').length);
    return c.reconcile('ns/tick');
  };
  const finish = async (name: string, type: 'Complete' | 'Failed') => {
    const j = (cs.stored('jobs') as Job[]).find((x) => x.metadata.name === name)!;
    await cs.resource<Job>(R.jobs).updateStatus('ns', { ...j, status: { conditions: [{ type, status: 'True' }], completionTime: rfc3339(clock.now()) } });
    await until(() => jobFinished(c['jobInformer'].store.get(`ns/${name}`)));
  };
  return { cs, clock, stop, recorder, cj, jobs, step, finish };
}
const jobFinished = (j: Job | undefined) => !!j?.status?.conditions?.length;
const name = (iso: string) => `tick-${Date.parse(iso) / 60000}`;

test('CronJob controller: Allow runs overlapping jobs, requeues for the next activation, prunes history', async () => {
  const f = await fixture({ successfulJobsHistoryLimit: 1 });
  try {
    assert.deepEqual(await f.step(60_000), { requeueAfter: 4 * 60_000 + 100 });
    assert.deepEqual(f.jobs(), []);
    await f.step(4 * 60_000);
    assert.deepEqual(f.jobs(), [name('2024-01-01T00:05:00Z')]);
    assert.equal(f.cj().status?.lastScheduleTime, '2024-01-01T00:05:00Z');
    assert.deepEqual(f.cj().status?.active?.map((a) => a.name), [name('2024-01-01T00:05:00Z')]);
    await f.step(5 * 60_000);
    assert.equal(f.cj().status?.active?.length, 2);
    await f.finish(name('2024-01-01T00:05:00Z'), 'Complete');
    await f.finish(name('2024-01-01T00:10:00Z'), 'Complete');
    await f.step(1000);
    assert.equal(f.cj().status?.active, undefined);
    assert.ok(f.cj().status?.lastSuccessfulTime);
    assert.deepEqual(f.jobs(), [name('2024-01-01T00:10:00Z')], 'history limit 1');
    assert.ok(f.recorder.events.some((e) => e.reason === 'SawCompletedJob'));
  } finally {
    f.stop.abort();
  }
});

test('CronJob controller: Forbid skips while a job runs; Replace deletes it', async () => {
  const forbid = await fixture({ concurrencyPolicy: 'Forbid' });
  try {
    await forbid.step(5 * 60_000);
    await forbid.step(5 * 60_000);
    assert.deepEqual(forbid.jobs(), [name('2024-01-01T00:05:00Z')]);
    assert.ok(forbid.recorder.events.some((e) => e.reason === 'JobAlreadyActive'), JSON.stringify(forbid.recorder.events));
  } finally {
    forbid.stop.abort();
  }
  const replace = await fixture({ concurrencyPolicy: 'Replace' });
  try {
    await replace.step(5 * 60_000);
    await replace.step(5 * 60_000);
    assert.deepEqual(replace.jobs(), [name('2024-01-01T00:10:00Z')]);
    assert.deepEqual(replace.cj().status?.active?.map((a) => a.name), [name('2024-01-01T00:10:00Z')]);
  } finally {
    replace.stop.abort();
  }
});

test('CronJob controller: startingDeadlineSeconds, suspend, too many missed starts, time zones', async () => {
  const late = await fixture({ startingDeadlineSeconds: 30 });
  try {
    // 00:05 passed 40 s ago, beyond the 30 s deadline: not started; the next activation is awaited.
    assert.deepEqual(await late.step(5 * 60_000 + 40_000), { requeueAfter: 4 * 60_000 + 20_000 + 100 });
    assert.deepEqual(late.jobs(), []);
  } finally {
    late.stop.abort();
  }
  const suspended = await fixture({ suspend: true });
  try {
    assert.equal(await suspended.step(10 * 60_000), undefined);
    assert.deepEqual(suspended.jobs(), []);
  } finally {
    suspended.stop.abort();
  }
  const missed = await fixture({ schedule: '* * * * *' });
  try {
    await missed.step(200 * 60_000);
    assert.ok(missed.recorder.events.some((e) => e.reason === 'TooManyMissedTimes' && e.message.startsWith('too many missed start times: 200.')), JSON.stringify(missed.recorder.events));
    assert.deepEqual(missed.jobs(), [name('2024-01-01T03:20:00Z')], 'only the most recent runs');
  } finally {
    missed.stop.abort();
  }
  const zoned = await fixture({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' });
  try {
    // Created exactly at an activation (09:00 Tokyo = 00:00 UTC): the first run is the next day's.
    await zoned.step(86_400_000 + 30_000);
    assert.deepEqual(zoned.jobs(), [name('2024-01-02T00:00:00Z')], '09:00 in Tokyo is midnight UTC');
    const j = zoned.cs.stored('jobs')[0] as Job;
    assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-01-02T09:00:00+09:00');
  } finally {
    zoned.stop.abort();
  }
});
