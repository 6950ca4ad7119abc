// The pod garbage collector: a periodic pass over the pod and node caches deleting what nothing
// else will (see select.ts). Pods of a missing node wait out a quarantine, then the node's absence
// is confirmed with a live GET before they are marked Failed (DisruptionTarget) and force-deleted.
import type { Node, Pod } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isConflict, isNotFound } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import { rfc3339 } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerContext } from '../common/context.js';
import { indexPodsByNode, podsOnNode } from '../common/pods-by-node.js';
import { runController } from '../common/run.js';
import { missingNodes, terminatedOverThreshold, terminatingOnOutOfService, unscheduledTerminating } from './select.js';

const KEY = 'podgc';

/** Mirrors --terminated-pod-gc-threshold and upstream's gcCheckPeriod / quarantineTime. */
export interface PodGcOptions {
  /** Terminated pods kept (upstream 12500); ≤ 0 disables that pass. */
  terminatedThreshold?: number;
  /** Pass period (upstream 20 s). */
  periodMs?: number;
  /** How long a node must be missing before its pods go (upstream 40 s). */
  quarantineMs?: number;
}

/** Contract: a Runnable whose reconciler runs one full pass per period. */
export class PodGcController {
  readonly name = 'podgc';
  readonly queue: WorkQueue<string>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly missingSince = new Map<string, number>();
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  private readonly log: Logger;

  constructor(private readonly ctx: ControllerContext, o: PodGcOptions = {}) {
    this.threshold = o.terminatedThreshold ?? 12_500;
    this.periodMs = o.periodMs ?? 20_000;
    this.quarantineMs = o.quarantineMs ?? 40_000;
    this.log = ctx.logger.child({ controller: this.name });
    this.queue = ctx.newQueue(this.name);
    this.pods = ctx.informers.informerFor<Pod>(R.pods);
    this.nodes = ctx.informers.informerFor<Node>(R.nodes);
    indexPodsByNode(this.pods);
  }

  start(signal: AbortSignal): Promise<void> {
    this.queue.add(KEY);
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.pods, this.nodes], workers: 1 }, signal);
  }

  /**
   * Steps: 1. terminated pods over the threshold; 2. pods of nodes missing longer than the
   * quarantine (confirmed by GET); 3. terminating unscheduled pods; 4. terminating pods on
   * out-of-service nodes; then run again after the period.
   */
  async reconcile(): Promise<{ requeueAfter: number }> {
    const now = this.ctx.clock.now();
    const pods = this.pods.store.list();
    const nodeMap = new Map(this.nodes.store.list().map((n) => [n.metadata.name!, n] as const));
    // 1.
    await this.deleteAll(terminatedOverThreshold(pods, this.threshold), false, 'terminated pod over the threshold');
    // 2.
    const missing = missingNodes(pods, new Set(nodeMap.keys()));
    for (const n of this.missingSince.keys()) if (!missing.has(n)) this.missingSince.delete(n);
    for (const n of missing) {
      const since = this.missingSince.get(n) ?? now;
      this.missingSince.set(n, since);
      if (now - since < this.quarantineMs || !(await this.nodeGone(n))) continue;
      const orphans = podsOnNode(this.pods, n);
      await Promise.all(orphans.map((p) => this.markFailed(p, now)));
      await this.deleteAll(orphans, true, `pod of missing node ${n}`);
    }
    // 3. and 4.
    await this.deleteAll(unscheduledTerminating(pods), true, 'unscheduled terminating pod');
    await this.deleteAll(terminatingOnOutOfService(pods, nodeMap), true, 'terminating pod on an out-of-service node');
    return { requeueAfter: this.periodMs };
  }

  private async nodeGone(name: string): Promise<boolean> {
    try {
      await this.ctx.clientset.resource<Node>(R.nodes).get(undefined, name);
      return false;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
  }

  /** Upstream (PodDisruptionConditions): phase Failed with a DisruptionTarget condition before the delete. */
  private async markFailed(p: Pod, now: number): Promise<void> {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return;
    const conditions = [...(p.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
      { type: 'DisruptionTarget', status: 'True' as const, reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: rfc3339(now) }];
    try {
      await this.ctx.clientset.resource<Pod>(R.pods).updateStatus(p.metadata.namespace, { ...p, status: { ...(p.status ?? {}), phase: 'Failed', conditions } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async deleteAll(pods: Pod[], force: boolean, why: string): Promise<void> {
    const client = this.ctx.clientset.resource<Pod>(R.pods);
    await Promise.all(pods.map(async (p) => {
      this.log.info({ pod: `${p.metadata.namespace}/${p.metadata.name}`, why }, 'garbage-collecting pod');
      try {
        await client.delete(p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid }, ...(force ? { gracePeriodSeconds: 0 } : {}) });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }));
  }
}
