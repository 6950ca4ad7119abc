// The ReplicaSet controller: keeps `spec.replicas` active pods matching the selector.
import type { Pod, ReplicaSet } from '../../api/types/index.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerContext } from '../common/context.js';
import { adoptPatch, newControllerRef, planClaims, releasePatch } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { dependentHandlers, inNamespace, selfHandlers } from '../common/owner-events.js';
import { podFromTemplate, generateNamePrefix } from '../common/pod-template.js';
import { isPodActive, isPodReady, msUntilAvailable } from '../common/pod-util.js';
import { pickVictims } from '../common/active-pods.js';
import { runController } from '../common/run.js';
import { slowStartBatch } from '../common/batch.js';
import { computeReplicaSetStatus, statusChanged, type ManageError } from './status.js';

/** Upstream's burstReplicas: at most this many creates/deletes per sync. */
export const BURST_REPLICAS = 500;

/** What one sync should do about pod counts (pure). */
export interface ReplicaPlan { create: number; delete: Pod[] }

/** Plans creates/deletes for `active` owned pods against `replicas`, capped by `burst`. */
export function planReplicas(active: Pod[], replicas: number, burst = BURST_REPLICAS): ReplicaPlan {
  const diff = active.length - replicas;
  if (diff < 0) return { create: Math.min(-diff, burst), delete: [] };
  if (diff > 0) return { create: 0, delete: pickVictims(active, Math.min(diff, burst)) };
  return { create: 0, delete: [] };
}

/** Contract: a Runnable + Reconciler over "namespace/name" keys of ReplicaSets. */
export class ReplicaSetController {
  readonly name = 'replicaset';
  readonly queue: WorkQueue<string>;
  readonly expectations: Expectations;
  private readonly cs: Clientset;
  private readonly rsInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly log: Logger;

  constructor(private readonly ctx: ControllerContext) {
    this.cs = ctx.clientset;
    this.log = ctx.logger.child({ controller: this.name });
    this.queue = ctx.newQueue(this.name);
    this.expectations = new Expectations({ clock: ctx.clock });
    this.rsInformer = ctx.informers.informerFor<ReplicaSet>(R.replicasets);
    this.podInformer = ctx.informers.informerFor<Pod>(R.pods);
    this.rsInformer.addEventHandler(selfHandlers<ReplicaSet>((k) => this.queue.add(k), (rs) => this.expectations.delete(keyOf(rs))));
    this.podInformer.addEventHandler(dependentHandlers<ReplicaSet, Pod>({
      ownerKind: 'ReplicaSet',
      owners: this.rsInformer.store,
      enqueue: (k) => this.queue.add(k),
      expectations: this.expectations,
      ownersOfOrphan: (pod) => inNamespace(this.rsInformer.store, pod.metadata.namespace)
        .filter((rs) => selectorFromLabelSelector(rs.spec.selector).matches(pod.metadata.labels)),
      onOwnedUpdate: (k, oldPod, newPod) => {
        const rs = this.rsInformer.store.get(k);
        const mrs = rs?.spec.minReadySeconds ?? 0;
        if (mrs > 0 && !isPodReady(oldPod) && isPodReady(newPod)) this.queue.addAfter(k, mrs * 1000 + 100);
      },
    }));
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.rsInformer, this.podInformer] }, signal);
  }

  /**
   * Steps: 1. read the RS from the cache (gone: forget expectations); 2. claim pods (adopt/release);
   * 3. if expectations are satisfied and the RS is not being deleted, create/delete toward replicas;
   * 4. write status; 5. requeue when a ready pod will become available (minReadySeconds).
   */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    const rs = this.rsInformer.store.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const ns = rs.metadata.namespace!;
    const selector = selectorFromLabelSelector(rs.spec.selector);
    const candidates = inNamespace(this.podInformer.store, ns).filter(isPodActive);
    const owned = await this.claimPods(rs, candidates, (p) => selector.matches(p.metadata.labels));
    let err: ManageError | undefined;
    if (this.expectations.satisfied(key) && !rs.metadata.deletionTimestamp) err = await this.manageReplicas(key, rs, owned);
    const now = this.ctx.clock.now();
    const status = computeReplicaSetStatus(rs, owned, now, err);
    if (statusChanged(rs.status, status)) {
      try {
        await this.cs.resource<ReplicaSet>(R.replicasets).updateStatus(ns, { ...rs, status });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const mrs = rs.spec.minReadySeconds ?? 0;
    if (mrs > 0) {
      const waits = owned.map((p) => msUntilAvailable(p, mrs, now)).filter((x): x is number => x !== undefined);
      if (waits.length) return { requeueAfter: Math.min(...waits) + 50 };
    }
    if (err) throw new Error(err.message);
  }

  private async claimPods(rs: ReplicaSet, candidates: Pod[], matches: (p: Pod) => boolean): Promise<Pod[]> {
    const plan = planClaims(rs, candidates, matches);
    const pods = this.cs.resource<Pod>(R.pods);
    const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    const owned = [...plan.owned];
    await Promise.all([
      ...plan.adopt.map(async (p) => {
        try {
          owned.push(await pods.patch(p.metadata.namespace, p.metadata.name!, 'merge', adoptPatch(p, ref)));
        } catch (e) {
          if (!isNotFound(e)) this.log.warn({ pod: keyOf(p), err: (e as Error).message }, 'adopt failed');
        }
      }),
      ...plan.release.map(async (p) => {
        try {
          await pods.patch(p.metadata.namespace, p.metadata.name!, 'merge', releasePatch(p, rs.metadata.uid!));
        } catch (e) {
          if (!isNotFound(e)) this.log.warn({ pod: keyOf(p), err: (e as Error).message }, 'release failed');
        }
      }),
    ]);
    return owned;
  }

  private async manageReplicas(key: string, rs: ReplicaSet, owned: Pod[]): Promise<ManageError | undefined> {
    const plan = planReplicas(owned, rs.spec.replicas ?? 1);
    const pods = this.cs.resource<Pod>(R.pods);
    const ns = rs.metadata.namespace!;
    if (plan.create > 0) {
      if (!rs.spec.template) return { reason: 'FailedCreate', message: 'replica set has no pod template' };
      this.expectations.expectCreations(key, plan.create);
      const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
      const template = rs.spec.template;
      const { attempted, error } = await slowStartBatch(plan.create, 1, async () => {
        const pod = podFromTemplate(template, { namespace: ns, generateName: generateNamePrefix(rs.metadata.name!), controllerRef: ref });
        try {
          const created = await pods.create(ns, pod);
          this.ctx.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (e) {
          this.expectations.creationObserved(key);
          throw e;
        }
      });
      for (let i = attempted; i < plan.create; i++) this.expectations.creationObserved(key);
      if (error !== undefined) {
        const message = (error as Error).message;
        this.ctx.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`);
        return { reason: 'FailedCreate', message };
      }
    } else if (plan.delete.length > 0) {
      this.expectations.expectDeletions(key, plan.delete.map(keyOf));
      const results = await Promise.allSettled(plan.delete.map(async (p) => {
        try {
          await pods.delete(ns, p.metadata.name!);
          this.ctx.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (!isNotFound(e)) throw e;
        }
      }));
      const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (bad) {
        const message = (bad.reason as Error).message;
        this.ctx.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${message}`);
        return { reason: 'FailedDelete', message };
      }
    }
    return undefined;
  }
}
