// Job decisions without I/O (upstream job controller): pod classification, finalizer-based
// accounting, failure/success criteria, how many pods (or which indexes) to start or stop, back-off.
import type { Condition, Job, JobStatus, Pod } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';
import { sortActivePods } from '../common/active-pods.js';
import { isPodReady } from '../common/pod-util.js';
import { formatIndexes, parseIndexes } from './indexes.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** Upstream's pod-failure back-off: 10 s doubled per failure since the last success, at most 6 min. */
export const DEFAULT_BACKOFF_BASE_MS = 10_000;
export const DEFAULT_BACKOFF_MAX_MS = 360_000;

/** Condition reasons and messages as upstream writes them. */
export const Reasons = {
  backoffLimitExceeded: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
  deadlineExceeded: { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
  completionsReached: { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
} as const;

/** The condition of `type` with status True, if any. */
export function trueCondition(job: Job, type: string): Condition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed. */
export function isJobFinished(job: Job): boolean {
  return !!(trueCondition(job, 'Complete') ?? trueCondition(job, 'Failed'));
}

/** When the job finished (the terminal condition's transition time), epoch ms. */
export function jobFinishTime(job: Job): number | undefined {
  const c = trueCondition(job, 'Complete') ?? trueCondition(job, 'Failed');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/** Sets (or updates) a condition; the transition time changes only when the status changes. */
export function setCondition(conds: Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): Condition[] {
  const t = rfc3339(now);
  const old = conds.find((c) => c.type === type);
  if (old && old.status === status && old.reason === reason && old.message === message) return conds;
  const c: Condition = { type, status, reason, message, lastProbeTime: t, lastTransitionTime: old && old.status === status ? old.lastTransitionTime ?? t : t };
  return [...conds.filter((x) => x.type !== type), c];
}

/** The completion index of a pod (annotation, else label), or undefined. */
export function podIndex(pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata.labels?.[JOB_COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** How a pod counts: active, terminating (deleted, not terminal), succeeded or failed. */
export type PodClass = 'active' | 'succeeded' | 'failed';

/** Succeeded/Failed by phase; a deleted pod that did not succeed counts as failed; otherwise active. */
export function classifyPod(p: Pod): PodClass {
  if (p.status?.phase === 'Succeeded') return 'succeeded';
  if (p.status?.phase === 'Failed' || p.metadata.deletionTimestamp) return 'failed';
  return 'active';
}

export const hasTrackingFinalizer = (p: Pod) => !!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER);

/** Finished pods still holding the tracking finalizer and not yet in uncountedTerminatedPods. */
export function newlyFinished(job: Job, pods: Pod[]): { succeeded: Pod[]; failed: Pod[] } {
  const u = job.status?.uncountedTerminatedPods ?? {};
  const seen = new Set([...(u.succeeded ?? []), ...(u.failed ?? [])]);
  const out = { succeeded: [] as Pod[], failed: [] as Pod[] };
  for (const p of pods) {
    if (!hasTrackingFinalizer(p) || seen.has(p.metadata.uid!)) continue;
    const c = classifyPod(p);
    if (c !== 'active') out[c].push(p);
  }
  return out;
}

/**
 * Status after recording newly finished pods as uncounted (step one of finalizer tracking): their
 * uids join `uncountedTerminatedPods`; for Indexed jobs succeeded indexes join `completedIndexes`.
 */
export function recordUncounted(job: Job, fresh: { succeeded: Pod[]; failed: Pod[] }): JobStatus {
  const s = structuredClone(job.status ?? {});
  const u = (s.uncountedTerminatedPods ??= {});
  if (fresh.succeeded.length) u.succeeded = [...(u.succeeded ?? []), ...fresh.succeeded.map((p) => p.metadata.uid!)];
  if (fresh.failed.length) u.failed = [...(u.failed ?? []), ...fresh.failed.map((p) => p.metadata.uid!)];
  if (job.spec.completionMode === 'Indexed') {
    const completions = job.spec.completions ?? 0;
    const idx = new Set(parseIndexes(s.completedIndexes, completions));
    for (const p of fresh.succeeded) {
      const i = podIndex(p);
      if (i !== undefined && i < completions) idx.add(i);
    }
    s.completedIndexes = formatIndexes(idx);
    s.succeeded = idx.size;
  }
  return s;
}

/**
 * Moves uncounted uids whose pods no longer hold the finalizer (or are gone) into the counters
 * (step three of finalizer tracking). Indexed jobs count successes by completed indexes instead.
 */
export function flushUncounted(status: JobStatus, pods: Pod[], indexed: boolean): JobStatus {
  const s = structuredClone(status);
  const holding = new Set(pods.filter(hasTrackingFinalizer).map((p) => p.metadata.uid!));
  const u = s.uncountedTerminatedPods ?? {};
  const keepS = (u.succeeded ?? []).filter((x) => holding.has(x));
  const keepF = (u.failed ?? []).filter((x) => holding.has(x));
  if (!indexed) s.succeeded = (s.succeeded ?? 0) + (u.succeeded ?? []).length - keepS.length;
  s.failed = (s.failed ?? 0) + (u.failed ?? []).length - keepF.length;
  s.uncountedTerminatedPods = {};
  if (keepS.length) s.uncountedTerminatedPods.succeeded = keepS;
  if (keepF.length) s.uncountedTerminatedPods.failed = keepF;
  return s;
}

/** Succeeded and failed so far, uncounted ones included (what decisions are made on). */
export function totals(job: Job, status: JobStatus): { succeeded: number; failed: number } {
  const u = status.uncountedTerminatedPods ?? {};
  const indexed = job.spec.completionMode === 'Indexed';
  return {
    succeeded: (status.succeeded ?? 0) + (indexed ? 0 : (u.succeeded ?? []).length),
    failed: (status.failed ?? 0) + (u.failed ?? []).length,
  };
}

/** Facts a decision needs: counts and time. */
export interface JobFacts { succeeded: number; failed: number; active: Pod[]; restarts: number; now: number; startTime?: number }

/**
 * Why the job fails now, if it does: more failures (plus container restarts with restartPolicy
 * OnFailure) than backoffLimit, or activeDeadlineSeconds passed since startTime.
 */
export function failureReason(job: Job, f: JobFacts): { reason: string; message: string } | undefined {
  const limit = job.spec.backoffLimit ?? 6;
  const restarts = job.spec.template.spec.restartPolicy === 'OnFailure' ? f.restarts : 0;
  if (f.failed + restarts > limit) return Reasons.backoffLimitExceeded;
  const ads = job.spec.activeDeadlineSeconds;
  if (ads !== undefined && f.startTime !== undefined && f.now - f.startTime >= ads * 1000) return Reasons.deadlineExceeded;
  return undefined;
}

/** Whether the success criteria are met: enough completions (or, without completions, one success and nothing active). */
export function successReached(job: Job, f: JobFacts): boolean {
  const c = job.spec.completions;
  if (c === undefined || c === null) return f.succeeded > 0 && f.active.length === 0;
  return f.succeeded >= c;
}

/** What to do with pods now: create (NonIndexed count or Indexed indexes) and delete. */
export interface PodPlan { create: number; indexes: number[]; delete: Pod[] }

/**
 * Pods to start or stop. Steps: NonIndexed: want min(parallelism, completions − succeeded)
 * (without completions: parallelism until the first success, then no new pods) and create or
 * delete the difference (victims by the active-pods order). Indexed: delete pods with an index out
 * of range, already completed or duplicated; start the lowest pending indexes up to parallelism.
 */
export function planPods(job: Job, f: JobFacts): PodPlan {
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  const plan: PodPlan = { create: 0, indexes: [], delete: [] };
  if (job.spec.completionMode === 'Indexed') {
    const done = new Set(parseIndexes(job.status?.completedIndexes, completions ?? 0));
    const running = new Set<number>();
    const keep: Pod[] = [];
    for (const p of [...f.active].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))) {
      const i = podIndex(p);
      if (i === undefined || i >= (completions ?? 0) || done.has(i) || running.has(i)) plan.delete.push(p);
      else {
        running.add(i);
        keep.push(p);
      }
    }
    const excess = keep.length - parallelism;
    if (excess > 0) plan.delete.push(...sortActivePods(keep).slice(0, excess));
    let room = parallelism - keep.length;
    for (let i = 0; i < (completions ?? 0) && room > 0; i++) {
      if (done.has(i) || running.has(i)) continue;
      plan.indexes.push(i);
      room--;
    }
    return plan;
  }
  let want: number;
  if (completions === undefined || completions === null) want = f.succeeded > 0 ? Math.min(f.active.length, parallelism) : parallelism;
  else want = Math.max(0, Math.min(parallelism, completions - f.succeeded));
  const diff = f.active.length - want;
  if (diff > 0) plan.delete = sortActivePods(f.active).slice(0, diff);
  else if (diff < 0) plan.create = -diff;
  return plan;
}

/** Back-off before recreating pods after `failures` consecutive failures (0 → none). */
export function backoffMs(failures: number, baseMs = DEFAULT_BACKOFF_BASE_MS, maxMs = DEFAULT_BACKOFF_MAX_MS): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/** Ready pods among the active ones. */
export const countReady = (active: Pod[]) => active.filter(isPodReady).length;
