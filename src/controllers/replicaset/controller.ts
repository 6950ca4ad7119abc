// The ReplicaSet controller: keeps `spec.replicas` active pods matching the selector.
import type { Pod, ReplicaSet } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { newControllerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { podFromTemplate, generateNamePrefix } from '../common/pod-template.js';
import { isPodActive, isPodReady, msUntilAvailable } from '../common/pod-util.js';
import { pickVictims } from '../common/active-pods.js';
import { wireOwnerPods, type OwnerPods } from '../common/owner-pods.js';
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

  private readonly wiring: OwnerPods<ReplicaSet>;

  constructor(private readonly ctx: ControllerContext) {
    this.cs = ctx.clientset;
    this.expectations = new Expectations({ clock: ctx.clock });
    this.wiring = wireOwnerPods<ReplicaSet>({
      ctx, name: this.name, ownerRef: R.replicasets, ownerKind: 'ReplicaSet', expectations: this.expectations,
      onOwnedUpdate: (k, oldPod, newPod) => {
        const rs = this.rsInformer.store.get(k);
        const mrs = rs?.spec.minReadySeconds ?? 0;
        if (mrs > 0 && !isPodReady(oldPod) && isPodReady(newPod)) this.queue.addAfter(k, mrs * 1000 + 100);
      },
    });
    this.queue = this.wiring.queue;
    this.rsInformer = this.wiring.owners;
  }

  start(signal: AbortSignal): Promise<void> {
    return this.wiring.start(this, signal);
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
    const owned = await this.wiring.claimPods(rs, newControllerRef(rs, 'apps/v1', 'ReplicaSet'), isPodActive);
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
