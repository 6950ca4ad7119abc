// The Job controller: runs pods to `completions` with `parallelism`, counts finished pods through
// the `batch.kubernetes.io/job-tracking` finalizer and `uncountedTerminatedPods` (so a deleted pod
// is never lost or counted twice), backs off after failures, and fails or completes the job with
// the upstream conditions (FailureTarget → Failed, SuccessCriteriaMet → Complete, Suspended).
import type { Job, JobStatus, Pod } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import { rfc3339 } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerContext } from '../common/context.js';
import { getControllerOf, newControllerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { canonicalJson } from '../common/hash.js';
import { generateNamePrefix, podFromTemplate } from '../common/pod-template.js';
import { maxContainerRestarts } from '../common/pod-util.js';
import { slowStartBatch } from '../common/batch.js';
import { wireOwnerPods, type OwnerPods } from '../common/owner-pods.js';
import { applyPodFailurePolicy } from './pod-failure-policy.js';
import {
  DEFAULT_BACKOFF_BASE_MS, JOB_COMPLETION_INDEX, JOB_COMPLETION_INDEX_ENV, JOB_TRACKING_FINALIZER, backoffMs, classifyPod,
  countReady, failureReason, flushUncounted, hasTrackingFinalizer, isJobFinished, newlyFinished, planPods, recordUncounted,
  setCondition, successReached, totals, trueCondition, type JobFacts,
} from './logic.js';

/** Options beyond the context (tests shorten the back-off). */
export interface JobControllerOptions { backoffBaseMs?: number }

/** The pod for a job (and completion index for Indexed jobs), with the tracking finalizer. */
export function newJobPod(job: Job, index?: number): Pod {
  const indexed = index !== undefined;
  const extra = indexed ? { [JOB_COMPLETION_INDEX]: String(index) } : undefined;
  const pod = podFromTemplate(job.spec.template, {
    namespace: job.metadata.namespace!,
    generateName: generateNamePrefix(indexed ? `${job.metadata.name}-${index}` : job.metadata.name!),
    controllerRef: newControllerRef(job, 'batch/v1', 'Job'),
    extraLabels: extra, extraAnnotations: extra,
  });
  pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER];
  if (indexed) {
    pod.spec.hostname = `${job.metadata.name}-${index}`;
    const env = { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } };
    for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
      if (!(c.env ?? []).some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) c.env = [...(c.env ?? []), env];
    }
  }
  return pod;
}

interface BackoffRecord { failures: number; last: number }

/** Contract: a Runnable + Reconciler over "namespace/name" keys of Jobs. */
export class JobController {
  readonly name = 'job';
  readonly queue: WorkQueue<string>;
  readonly expectations: Expectations;
  private readonly cs: Clientset;
  private readonly jobInformer: Informer<Job>;
  private readonly podInformer: Informer<Pod>;
  private readonly log: Logger;
  private readonly wiring: OwnerPods<Job>;
  private readonly backoff = new Map<string, BackoffRecord>();
  private readonly backoffBaseMs: number;

  constructor(private readonly ctx: ControllerContext, opts: JobControllerOptions = {}) {
    this.cs = ctx.clientset;
    this.backoffBaseMs = opts.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.expectations = new Expectations({ clock: ctx.clock });
    this.wiring = wireOwnerPods<Job>({
      ctx, name: this.name, ownerRef: R.jobs, ownerKind: 'Job', expectations: this.expectations,
      onOwnerDeleted: (j) => this.backoff.delete(keyOf(j)),
    });
    this.queue = this.wiring.queue;
    this.log = this.wiring.log;
    this.jobInformer = this.wiring.owners;
    this.podInformer = this.wiring.pods;
    // after the owner handlers: a finished pod no job controls any more loses its tracking finalizer
    this.podInformer.addEventHandler({ onAdd: (p) => this.releaseOrphan(p), onUpdate: (_o, n) => this.releaseOrphan(n) });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.wiring.start(this, signal);
  }

  /**
   * Steps: 1. read the job; finished jobs only release finalizers; 2. claim pods; 3. record newly
   * finished pods as uncounted (status write), then remove their finalizers, then fold them into
   * the counters; 4. suspend/resume; 5. failure or success criteria → FailureTarget/SuccessCriteriaMet,
   * stopping active pods, and Failed/Complete once no pod is left running; 6. otherwise start or stop
   * pods (after the failure back-off); 7. write status; 8. requeue for the deadline or back-off.
   */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    let job = this.jobInformer.store.get(key);
    if (!job) {
      this.expectations.delete(key);
      return;
    }
    let pods = await this.wiring.claimPods(job, newControllerRef(job, 'batch/v1', 'Job'));
    if (isJobFinished(job)) {
      await this.removeFinalizers(pods.filter(hasTrackingFinalizer));
      return;
    }
    const now = this.ctx.clock.now();
    // 3. finalizer tracking.
    const fresh = newlyFinished(job, pods);
    const policy = applyPodFailurePolicy(job, fresh.failed);
    fresh.failed = policy.counted;
    if (policy.ignored.length) await this.removeFinalizers(policy.ignored);
    if (fresh.succeeded.length || fresh.failed.length) {
      this.noteFailures(key, fresh.succeeded.length, fresh.failed.length, now);
      const recorded = recordUncounted(job, fresh);
      if (policy.failJob !== undefined && !trueCondition(job, 'FailureTarget')) {
        // Recorded together with the pods, so the verdict survives the finalizers going.
        recorded.conditions = setCondition(recorded.conditions ?? [], 'FailureTarget', 'True', 'PodFailurePolicy', policy.failJob, now);
        this.ctx.recorder.event(job, 'Warning', 'PodFailurePolicy', policy.failJob);
      }
      job = await this.putStatus(job, recorded);
      if (!job) return;
    }
    const counted = new Set([...(job.status?.uncountedTerminatedPods?.succeeded ?? []), ...(job.status?.uncountedTerminatedPods?.failed ?? [])]);
    const released = await this.removeFinalizers(pods.filter((p) => hasTrackingFinalizer(p) && counted.has(p.metadata.uid!)));
    pods = pods.map((p) => (released.has(p.metadata.uid!) ? { ...p, metadata: { ...p.metadata, finalizers: p.metadata.finalizers?.filter((f) => f !== JOB_TRACKING_FINALIZER) } } : p));
    let status: JobStatus = flushUncounted(job.status ?? {}, pods, job.spec.completionMode === 'Indexed');
    const active = pods.filter((p) => classifyPod(p) === 'active');
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
    const pending = pods.some(hasTrackingFinalizer) || !!status.uncountedTerminatedPods?.succeeded?.length || !!status.uncountedTerminatedPods?.failed?.length;
    let conds = status.conditions ?? [];
    let requeue: number | undefined;
    // Announced once the Complete condition is stored: a sync on a stale copy gets a conflict instead.
    let completedNow = false;
    // 4. suspend / resume.
    const suspended = trueCondition(job, 'Suspended');
    if (job.spec.suspend) {
      if (!suspended) {
        conds = setCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        this.ctx.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      await this.deletePods(key, job, active);
      status = { ...status, startTime: undefined };
    } else {
      if (suspended) {
        conds = setCondition(conds, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        this.ctx.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        status = { ...status, startTime: rfc3339(now) };
      }
      status.startTime ??= rfc3339(now);
      const { succeeded, failed } = totals(job, status);
      const facts: JobFacts = { succeeded, failed, active, now, startTime: Date.parse(status.startTime), restarts: active.reduce((n, p) => n + maxContainerRestarts(p), 0) };
      // 5. terminal criteria.
      const target = conds.find((c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
      const failure = target ? undefined : failureReason(job, facts);
      if (failure) {
        conds = setCondition(conds, 'FailureTarget', 'True', failure.reason, failure.message, now);
        this.ctx.recorder.event(job, 'Warning', failure.reason, failure.message);
      } else if (!target && successReached(job, facts)) {
        conds = setCondition(conds, 'SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      }
      const ending = conds.find((c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
      if (ending) {
        await this.deletePods(key, job, active);
        if (active.length === 0 && terminating === 0 && !pending) {
          if (ending.type === 'FailureTarget') conds = setCondition(conds, 'Failed', 'True', ending.reason!, ending.message!, now);
          else {
            conds = setCondition(conds, 'Complete', 'True', ending.reason!, ending.message!, now);
            status.completionTime = rfc3339(now);
            completedNow = true;
          }
        }
      } else if (this.expectations.satisfied(key) && !job.metadata.deletionTimestamp) {
        // 6. start or stop pods.
        const plan = planPods(job, facts);
        await this.deletePods(key, job, plan.delete);
        const wait = this.backoffLeft(key, now);
        if ((plan.create > 0 || plan.indexes.length > 0) && wait > 0) requeue = wait;
        else await this.createPods(key, job, plan.create, plan.indexes);
        const ads = job.spec.activeDeadlineSeconds;
        if (ads !== undefined) {
          const left = facts.startTime! + ads * 1000 - now;
          requeue = Math.min(requeue ?? Infinity, Math.max(left, 0) + 50);
        }
      }
    }
    // 7. status.
    status = { ...status, conditions: conds.length ? conds : undefined, active: active.length, ready: countReady(active), terminating };
    status.succeeded ??= 0;
    status.failed ??= 0;
    status.uncountedTerminatedPods ??= {};
    const stored = await this.putStatus(job, status);
    if (completedNow && stored) this.ctx.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    return requeue !== undefined ? { requeueAfter: requeue } : undefined;
  }

  private noteFailures(key: string, succeeded: number, failed: number, now: number): void {
    const rec = this.backoff.get(key) ?? { failures: 0, last: 0 };
    if (succeeded > 0) rec.failures = 0;
    if (failed > 0) {
      rec.failures += failed;
      rec.last = now;
    }
    this.backoff.set(key, rec);
  }

  private backoffLeft(key: string, now: number): number {
    const rec = this.backoff.get(key);
    if (!rec || rec.failures === 0) return 0;
    return Math.max(0, rec.last + backoffMs(rec.failures, this.backoffBaseMs) - now);
  }

  /** Writes status when it changed; returns the stored job (undefined when the job is gone). */
  private async putStatus(job: Job, status: JobStatus): Promise<Job | undefined> {
    const clean = JSON.parse(JSON.stringify(status)) as JobStatus;
    if (canonicalJson(job.status ?? {}) === canonicalJson(clean)) return job;
    try {
      return await this.cs.resource<Job>(R.jobs).updateStatus(job.metadata.namespace, { ...job, status: clean });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async createPods(key: string, job: Job, count: number, indexes: number[]): Promise<void> {
    const n = indexes.length || count;
    if (n <= 0) return;
    this.expectations.expectCreations(key, n);
    const pods = this.cs.resource<Pod>(R.pods);
    const { attempted, error } = await slowStartBatch(n, 1, async (i) => {
      try {
        const created = await pods.create(job.metadata.namespace, newJobPod(job, indexes.length ? indexes[i] : undefined));
        this.ctx.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (e) {
        this.expectations.creationObserved(key);
        this.ctx.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    for (let i = attempted; i < n; i++) this.expectations.creationObserved(key);
    if (error !== undefined) throw error;
  }

  private async deletePods(key: string, job: Job, victims: Pod[]): Promise<void> {
    if (victims.length === 0) return;
    this.expectations.expectDeletions(key, victims.map(keyOf));
    const pods = this.cs.resource<Pod>(R.pods);
    await Promise.all(victims.map(async (p) => {
      try {
        await pods.delete(p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
        this.ctx.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        this.expectations.deletionObserved(key, keyOf(p));
        if (!isNotFound(e) && (e as { code?: number }).code !== 409) throw e;
      }
    }));
  }

  /** Removes the tracking finalizer; returns the uids it was removed from (or that are gone). */
  private async removeFinalizers(pods: Pod[]): Promise<Set<string>> {
    const done = new Set<string>();
    const client = this.cs.resource<Pod>(R.pods);
    await Promise.all(pods.map(async (p) => {
      try {
        await client.patch(p.metadata.namespace, p.metadata.name!, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } });
        done.add(p.metadata.uid!);
      } catch (e) {
        if (isNotFound(e)) done.add(p.metadata.uid!);
        else this.log.warn({ pod: keyOf(p), err: (e as Error).message }, 'removing the job tracking finalizer failed');
      }
    }));
    return done;
  }

  /** A finished or deleted pod holding the finalizer whose Job is gone gets it removed (upstream orphan handling). */
  private releaseOrphan(p: Pod): void {
    if (!hasTrackingFinalizer(p) || classifyPod(p) === 'active' || !this.jobInformer.hasSynced()) return;
    const ref = getControllerOf(p);
    if (ref && ref.kind !== 'Job') return;
    const cached = ref ? this.jobInformer.store.get(`${p.metadata.namespace}/${ref.name}`) : undefined;
    if (cached && cached.metadata.uid === ref?.uid) return;
    void (async () => {
      if (ref) {
        try {
          const live = await this.cs.resource<Job>(R.jobs).get(p.metadata.namespace, ref.name);
          if (live.metadata.uid === ref.uid) return;
        } catch (e) {
          if (!isNotFound(e)) return;
        }
      }
      await this.removeFinalizers([p]);
    })().catch(() => undefined);
  }
}
