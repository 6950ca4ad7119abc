// The CronJob controller (upstream controllerv2): creates a Job per activation of the schedule in
// the CronJob's time zone, honours concurrencyPolicy, startingDeadlineSeconds and suspend, tracks
// status.active/lastScheduleTime/lastSuccessfulTime and prunes finished jobs beyond the history limits.
import type { CronJob, CronJobStatus, Job } from '../../api/types/index.js';
import { isValidTimeZone, parseCronSchedule, type CronSchedule } from '../../api/cron.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isAlreadyExists, isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import { rfc3339 } from '../../util/clock.js';
import type { ControllerContext } from '../common/context.js';
import { isControlledBy, newControllerRef } from '../common/controller-ref.js';
import { canonicalJson } from '../common/hash.js';
import { dependentHandlers, inNamespace, selfHandlers } from '../common/owner-events.js';
import { runController } from '../common/run.js';
import {
  MISSED_WARNING_THRESHOLD, SCHEDULED_TIMESTAMP_ANNOTATION, jobFinishedType, jobNameFor, jobsToPrune, scheduleState, scheduledTimestamp, tooLate,
} from './logic.js';

type ActiveRef = NonNullable<CronJobStatus['active']>[number];

/** The Job of one activation (upstream getJobFromTemplate2). */
export function newJobFromCronJob(cj: CronJob, scheduled: number): Job {
  const t = structuredClone(cj.spec.jobTemplate);
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduled), namespace: cj.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}) },
      annotations: { ...(t.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: scheduledTimestamp(scheduled, cj.spec.timeZone) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: t.spec,
  };
}

const refOf = (j: Job): ActiveRef => ({ kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion });

/** Contract: a Runnable + Reconciler over "namespace/name" keys of CronJobs. */
export class CronJobController {
  readonly name = 'cronjob';
  readonly queue: WorkQueue<string>;
  private readonly cs: Clientset;
  private readonly cjInformer: Informer<CronJob>;
  private readonly jobInformer: Informer<Job>;

  constructor(private readonly ctx: ControllerContext) {
    this.cs = ctx.clientset;
    this.queue = ctx.newQueue(this.name);
    this.cjInformer = ctx.informers.informerFor<CronJob>(R.cronjobs);
    this.jobInformer = ctx.informers.informerFor<Job>(R.jobs);
    this.cjInformer.addEventHandler(selfHandlers<CronJob>((k) => this.queue.add(k)));
    this.jobInformer.addEventHandler(dependentHandlers<CronJob, Job>({ ownerKind: 'CronJob', owners: this.cjInformer.store, enqueue: (k) => this.queue.add(k) }));
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.cjInformer, this.jobInformer] }, signal);
  }

  /**
   * Steps: 1. reconcile status.active with the owned jobs (finished ones leave it, lastSuccessfulTime
   * follows completions, missing ones are dropped); 2. stop when deleting, suspended, or the zone or
   * schedule is bad; 3. find the most recent activation; skip it when too late, already started or
   * forbidden by concurrencyPolicy (Replace deletes the running jobs); 4. create its Job; 5. write
   * status, prune history; 6. requeue at the next activation.
   */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    let cj = this.cjInformer.store.get(key);
    if (!cj) return;
    const now = this.ctx.clock.now();
    const owner = cj;
    const jobs = inNamespace(this.jobInformer.store, cj.metadata.namespace).filter((j) => isControlledBy(j, owner));
    if (jobs.some((j) => !jobFinishedType(j) && !(owner.status?.active ?? []).some((r) => r.uid === j.metadata.uid))) {
      // The cache may lag behind our own status write: read the CronJob afresh, as upstream does.
      try {
        cj = await this.cs.resource<CronJob>(R.cronjobs).get(cj.metadata.namespace, cj.metadata.name!);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    }
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    await this.reconcileActive(cj, jobs, status);
    let requeue: number | undefined;
    try {
      requeue = await this.schedule(cj, status, now);
    } finally {
      await this.writeStatus(cj, status);
      await this.prune(cj, jobs);
    }
    return requeue !== undefined ? { requeueAfter: requeue } : undefined;
  }

  private async reconcileActive(cj: CronJob, jobs: Job[], status: CronJobStatus): Promise<void> {
    const active = status.active ?? [];
    const byUid = new Map(jobs.map((j) => [j.metadata.uid!, j]));
    const keep: ActiveRef[] = [];
    for (const ref of active) {
      const j = ref.uid ? byUid.get(ref.uid) : undefined;
      if (!j) {
        try {
          const live = await this.cs.resource<Job>(R.jobs).get(cj.metadata.namespace, ref.name!);
          if (live.metadata.uid === ref.uid && !jobFinishedType(live)) keep.push(ref);
          else if (live.metadata.uid !== ref.uid) this.ctx.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
          this.ctx.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        }
        continue;
      }
      const done = jobFinishedType(j);
      if (done) this.ctx.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`);
      else keep.push(ref);
    }
    for (const j of jobs) {
      if (!jobFinishedType(j) && !active.some((r) => r.uid === j.metadata.uid)) {
        this.ctx.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      }
      const completion = j.status?.completionTime;
      if (jobFinishedType(j) === 'Complete' && completion && (!status.lastSuccessfulTime || Date.parse(completion) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = completion;
      }
    }
    status.active = keep.length ? keep : undefined;
  }

  /** Steps 2–4 of reconcile; returns the requeue delay. */
  private async schedule(cj: CronJob, status: CronJobStatus, now: number): Promise<number | undefined> {
    if (cj.metadata.deletionTimestamp) return undefined;
    const tz = cj.spec.timeZone;
    if (tz !== undefined && tz !== null && (tz === 'Local' || !isValidTimeZone(tz))) {
      this.ctx.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
      return undefined;
    }
    if (cj.spec.suspend) return undefined;
    let sched: CronSchedule;
    try {
      sched = parseCronSchedule(cj.spec.schedule);
    } catch (e) {
      this.ctx.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${(e as Error).message}`);
      return undefined;
    }
    if (sched.timeZone !== undefined) {
      this.ctx.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    const st = scheduleState({ ...cj, status }, sched, now);
    const wait = st.next !== undefined ? st.next - now + 100 : undefined;
    if (st.missed > MISSED_WARNING_THRESHOLD) {
      this.ctx.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${st.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = st.mostRecent;
    if (scheduled === undefined) return wait;
    if (tooLate(cj, scheduled, now)) {
      this.ctx.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString()}`);
      return wait;
    }
    const name = jobNameFor(cj, scheduled);
    if ((status.active ?? []).some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) return wait;
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active ?? []).length > 0) {
      this.ctx.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return wait;
    }
    if (policy === 'Replace') {
      for (const ref of status.active ?? []) {
        try {
          await this.cs.resource<Job>(R.jobs).delete(cj.metadata.namespace, ref.name!, { propagationPolicy: 'Background' });
          this.ctx.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      status.active = undefined;
    }
    let job: Job;
    try {
      job = await this.cs.resource<Job>(R.jobs).create(cj.metadata.namespace, newJobFromCronJob(cj, scheduled));
      this.ctx.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.ctx.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      job = await this.cs.resource<Job>(R.jobs).get(cj.metadata.namespace, name);
      if (!isControlledBy(job, cj)) return wait;
    }
    if (!jobFinishedType(job) && !(status.active ?? []).some((r) => r.uid === job.metadata.uid)) status.active = [...(status.active ?? []), refOf(job)];
    status.lastScheduleTime = rfc3339(scheduled);
    return wait;
  }

  private async writeStatus(cj: CronJob, status: CronJobStatus): Promise<void> {
    const clean = JSON.parse(JSON.stringify(status)) as CronJobStatus;
    if (canonicalJson(cj.status ?? {}) === canonicalJson(clean)) return;
    try {
      await this.cs.resource<CronJob>(R.cronjobs).updateStatus(cj.metadata.namespace, { ...cj, status: clean });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async prune(cj: CronJob, jobs: Job[]): Promise<void> {
    for (const j of jobsToPrune(cj, jobs)) {
      try {
        await this.cs.resource<Job>(R.jobs).delete(j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' });
        this.ctx.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}
