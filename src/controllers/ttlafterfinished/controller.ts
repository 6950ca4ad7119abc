// The TTL-after-finished controller: deletes a finished Job `ttlSecondsAfterFinished` after its
// Complete/Failed condition (background propagation, so the garbage collector removes its pods).
import type { Job } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { selfHandlers } from '../common/owner-events.js';
import { runController } from '../common/run.js';
import { isJobFinished, jobFinishTime } from '../job/logic.js';

/** Milliseconds until the job expires (≤ 0: expired), or undefined when it never does (no TTL, not finished, being deleted). */
export function msUntilExpiry(job: Job, now: number): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp || !isJobFinished(job)) return undefined;
  const finished = jobFinishTime(job);
  if (finished === undefined) return undefined;
  return finished + ttl * 1000 - now;
}

/** Contract: a Runnable + Reconciler over "namespace/name" keys of Jobs. */
export class TtlAfterFinishedController {
  readonly name = 'ttl-after-finished';
  readonly queue: WorkQueue<string>;
  private readonly cs: Clientset;
  private readonly jobInformer: Informer<Job>;

  constructor(private readonly ctx: ControllerContext) {
    this.cs = ctx.clientset;
    this.queue = ctx.newQueue(this.name);
    this.jobInformer = ctx.informers.informerFor<Job>(R.jobs);
    this.jobInformer.addEventHandler(selfHandlers<Job>((k) => this.queue.add(k)));
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.jobInformer] }, signal);
  }

  /**
   * Steps: 1. not expired yet: requeue for the expiry; 2. expired per the cache: re-read the job and
   * check again (the TTL may have changed); 3. delete it with a uid+resourceVersion precondition,
   * propagation Background.
   */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    const cached = this.jobInformer.store.get(key);
    if (!cached) return;
    const left = msUntilExpiry(cached, this.ctx.clock.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfter: left + 50 };
    let job: Job;
    try {
      job = await this.cs.resource<Job>(R.jobs).get(cached.metadata.namespace, cached.metadata.name!);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const fresh = msUntilExpiry(job, this.ctx.clock.now());
    if (fresh === undefined) return;
    if (fresh > 0) return { requeueAfter: fresh + 50 };
    try {
      await this.cs.resource<Job>(R.jobs).delete(job.metadata.namespace, job.metadata.name!, {
        propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
