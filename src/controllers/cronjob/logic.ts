// CronJob decisions without I/O (upstream cronjob controllerv2 utils): the most recent missed
// activation, the deadline check, job names and the annotation, which finished jobs to prune.
import type { CronJob, Job } from '../../api/types/index.js';
import { nextActivation, zoneOffset, type CronSchedule } from '../../api/cron.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Upstream warns when more than this many start times were missed. */
export const MISSED_WARNING_THRESHOLD = 100;

/** The most recent activation at or before now, how many were missed, and the next one. */
export interface ScheduleState { mostRecent?: number; missed: number; next?: number }

/**
 * Steps: 1. start from lastScheduleTime (else creation time), moved up to now − startingDeadlineSeconds
 * when that is later; 2. walk activations up to now, counting them (after 1000 steps, jump close to
 * now, estimating the count from the average gap); 3. report the last one and the next after now.
 */
export function scheduleState(cj: CronJob, sched: CronSchedule, now: number): ScheduleState {
  const tz = cj.spec.timeZone;
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? new Date(now).toISOString());
  const sds = cj.spec.startingDeadlineSeconds;
  if (sds !== undefined && sds !== null) earliest = Math.max(earliest, now - sds * 1000);
  let missed = 0;
  let mostRecent: number | undefined;
  let cursor = earliest;
  let maxGap = 0;
  let steps = 0;
  for (;;) {
    const t = nextActivation(sched, cursor, tz);
    if (t === undefined || t > now) return { mostRecent, missed, next: t };
    if (mostRecent !== undefined) maxGap = Math.max(maxGap, t - mostRecent);
    mostRecent = t;
    missed++;
    cursor = t;
    if (++steps === 1000 && maxGap > 0) {
      const jumpTo = now - 2 * maxGap;
      if (jumpTo > cursor) {
        missed += Math.floor((jumpTo - cursor) / ((cursor - earliest) / steps));
        cursor = jumpTo;
      }
    }
  }
}

/** Too late to start the activation at `scheduled` (startingDeadlineSeconds passed). */
export function tooLate(cj: CronJob, scheduled: number, now: number): boolean {
  const sds = cj.spec.startingDeadlineSeconds;
  return sds !== undefined && sds !== null && scheduled + sds * 1000 < now;
}

/** `<cronjob>-<minutes since the epoch>` of the activation. */
export function jobNameFor(cj: CronJob, scheduled: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
}

/** RFC 3339 of the activation in the CronJob's zone (e.g. 2024-03-10T03:00:00-04:00). */
export function scheduledTimestamp(scheduled: number, timeZone?: string): string {
  const tz = timeZone && timeZone !== 'Local' ? timeZone : undefined;
  const off = tz ? zoneOffset(scheduled, tz) : 0;
  const local = new Date(scheduled + off).toISOString().replace(/\.\d{3}Z$/, '');
  if (off === 0) return `${local}Z`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** How a job ended: 'Complete', 'Failed' or undefined while running. */
export function jobFinishedType(j: Job): 'Complete' | 'Failed' | undefined {
  for (const c of j.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** Finished jobs beyond the history limits, oldest first (by start time, then creation). */
export function jobsToPrune(cj: CronJob, jobs: Job[]): Job[] {
  const start = (j: Job) => Date.parse(j.status?.startTime ?? j.metadata.creationTimestamp ?? '1970-01-01T00:00:00Z');
  const pick = (type: 'Complete' | 'Failed', limit: number | undefined) => {
    if (limit === undefined || limit === null) return [];
    const done = jobs.filter((j) => jobFinishedType(j) === type).sort((a, b) => start(a) - start(b));
    return done.slice(0, Math.max(0, done.length - limit));
  };
  return [...pick('Complete', cj.spec.successfulJobsHistoryLimit), ...pick('Failed', cj.spec.failedJobsHistoryLimit)];
}
