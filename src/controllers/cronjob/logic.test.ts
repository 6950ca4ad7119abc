import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, Job } from '../../api/types/index.js';
import { parseCronSchedule } from '../../api/cron.js';
import { jobNameFor, jobsToPrune, scheduleState, scheduledTimestamp, tooLate } from './logic.js';
import { newJobFromCronJob } from './controller.js';

const at = (s: string) => Date.parse(s);
function cj(o: Partial<CronJob['spec']> = {}, created = '2024-01-01T00:00:00Z', last?: string): CronJob {
  return {
    metadata: { name: 'tick', namespace: 'default', uid: 'C', creationTimestamp: created },
    spec: { schedule: '*/5 * * * *', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: { spec: { containers: [] } } } }, successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1, ...o },
    status: last ? { lastScheduleTime: last } : {},
  };
}

test('most recent activation, missed count and next activation', () => {
  const cases: { name: string; cj: CronJob; now: string; recent?: string; missed: number; next: string }[] = [
    { name: 'before the first activation', cj: cj(), now: '2024-01-01T00:03:00Z', missed: 0, next: '2024-01-01T00:05:00Z' },
    { name: 'one due', cj: cj(), now: '2024-01-01T00:05:10Z', recent: '2024-01-01T00:05:00Z', missed: 1, next: '2024-01-01T00:10:00Z' },
    { name: 'from lastScheduleTime', cj: cj({}, '2024-01-01T00:00:00Z', '2024-01-01T00:05:00Z'), now: '2024-01-01T00:07:00Z', missed: 0, next: '2024-01-01T00:10:00Z' },
    { name: 'several missed', cj: cj(), now: '2024-01-01T00:21:00Z', recent: '2024-01-01T00:20:00Z', missed: 4, next: '2024-01-01T00:25:00Z' },
    { name: 'startingDeadlineSeconds bounds the look-back', cj: cj({ startingDeadlineSeconds: 360 }), now: '2024-01-01T00:21:00Z', recent: '2024-01-01T00:20:00Z', missed: 1, next: '2024-01-01T00:25:00Z' },
    { name: 'a year of missed minutes', cj: cj({ schedule: '* * * * *' }), now: '2025-01-01T00:00:30Z', recent: '2025-01-01T00:00:00Z', missed: 527040, next: '2025-01-01T00:01:00Z' },
  ];
  for (const c of cases) {
    const st = scheduleState(c.cj, parseCronSchedule(c.cj.spec.schedule), at(c.now));
    assert.equal(st.mostRecent, c.recent ? at(c.recent) : undefined, c.name);
    if (c.missed > 1000) assert.ok(Math.abs(st.missed - c.missed) < c.missed / 100, `${c.name}: ${st.missed}`);
    else assert.equal(st.missed, c.missed, c.name);
    assert.equal(st.next, at(c.next), c.name);
  }
  assert.equal(tooLate(cj({ startingDeadlineSeconds: 10 }), at('2024-01-01T00:05:00Z'), at('2024-01-01T00:05:11Z')), true);
  assert.equal(tooLate(cj({ startingDeadlineSeconds: 10 }), at('2024-01-01T00:05:00Z'), at('2024-01-01T00:05:09Z')), false);
  assert.equal(tooLate(cj(), at('2024-01-01T00:05:00Z'), at('2025-01-01T00:05:09Z')), false);
});

test('job names, scheduled-timestamp annotation and the job from the template', () => {
  const t = at('2024-07-01T13:00:00Z');
  assert.equal(jobNameFor(cj(), t), `tick-${t / 60000}`);
  assert.equal(scheduledTimestamp(t), '2024-07-01T13:00:00Z');
  assert.equal(scheduledTimestamp(t, 'America/New_York'), '2024-07-01T09:00:00-04:00');
  assert.equal(scheduledTimestamp(t, 'Asia/Kolkata'), '2024-07-01T18:30:00+05:30');
  const j = newJobFromCronJob(cj({ timeZone: 'Europe/Paris' }), t);
  assert.equal(j.metadata.name, 'tick-28663980');
  assert.deepEqual(j.metadata.labels, { a: 'b' });
  assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-07-01T15:00:00+02:00');
  assert.deepEqual(j.metadata.ownerReferences?.[0], { apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'C', controller: true, blockOwnerDeletion: true });
});

test('history limits prune the oldest finished jobs', () => {
  const mk = (name: string, start: string, type?: 'Complete' | 'Failed'): Job => ({
    metadata: { name }, spec: { template: { spec: { containers: [] } } },
    status: { startTime: start, conditions: type ? [{ type, status: 'True' }] : [] },
  });
  const jobs = [mk('s1', '2024-01-01T00:01:00Z', 'Complete'), mk('s2', '2024-01-01T00:02:00Z', 'Complete'), mk('s3', '2024-01-01T00:03:00Z', 'Complete'),
    mk('f1', '2024-01-01T00:01:30Z', 'Failed'), mk('f2', '2024-01-01T00:02:30Z', 'Failed'), mk('r', '2024-01-01T00:00:00Z')];
  assert.deepEqual(jobsToPrune(cj(), jobs).map((j) => j.metadata.name), ['s1', 'f1']);
  assert.deepEqual(jobsToPrune(cj({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: undefined }), jobs).map((j) => j.metadata.name), ['s1', 's2', 's3']);
});
