// The Deployment controller: rolls ReplicaSets toward the deployment's template.
import type { Deployment, Pod, ReplicaSet } from '../../api/types/index.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isAlreadyExists, isNotFound, type ResourceClient } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerContext } from '../common/context.js';
import { adoptPatch, getControllerOf, newControllerRef, planClaims, releasePatch } from '../common/controller-ref.js';
import { computeHash } from '../common/hash.js';
import { dependentHandlers, inNamespace, resolveOwner, selfHandlers } from '../common/owner-events.js';
import { runController } from '../common/run.js';
import { POD_TEMPLATE_HASH, REVISION, maxRevision, replicasAnnotationsNeedUpdate, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import {
  PROGRESSING, Reasons, calculateStatus, deploymentComplete, deploymentStatusEqual, getCondition, hasProgressDeadline,
  msUntilDeadlineCheck, newCondition, rolloutConditions, setCondition,
} from './conditions.js';
import {
  activeReplicaSets, equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, findOldReplicaSets, isRollingUpdate, isSaturated,
  maxSurge, newRSNewReplicas, planOldScaleDown, proportionalSizes, replicaSetsToCleanup, replicasOf,
} from './rollout-math.js';

type Result = { requeueAfter?: number } | void;

/** The deployment with API defaults applied where the stored object lacks them. */
export function withDefaults(d: Deployment): Deployment {
  const c = structuredClone(d);
  c.spec.replicas ??= 1;
  c.spec.revisionHistoryLimit ??= 10;
  c.spec.progressDeadlineSeconds ??= 600;
  c.spec.strategy ??= { type: 'RollingUpdate' };
  c.spec.strategy.type ??= 'RollingUpdate';
  if (c.spec.strategy.type === 'RollingUpdate') {
    c.spec.strategy.rollingUpdate ??= {};
    c.spec.strategy.rollingUpdate.maxSurge ??= '25%';
    c.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  return c;
}

/** Contract: a Runnable + Reconciler over "namespace/name" keys of Deployments. */
export class DeploymentController {
  readonly name = 'deployment';
  readonly queue: WorkQueue<string>;
  private readonly dInformer: Informer<Deployment>;
  private readonly rsInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly log: Logger;
  private readonly deployments: ResourceClient<Deployment>;
  private readonly replicasets: ResourceClient<ReplicaSet>;

  constructor(private readonly ctx: ControllerContext) {
    this.log = ctx.logger.child({ controller: this.name });
    this.queue = ctx.newQueue(this.name);
    this.deployments = ctx.clientset.resource<Deployment>(R.deployments);
    this.replicasets = ctx.clientset.resource<ReplicaSet>(R.replicasets);
    this.dInformer = ctx.informers.informerFor<Deployment>(R.deployments);
    this.rsInformer = ctx.informers.informerFor<ReplicaSet>(R.replicasets);
    this.podInformer = ctx.informers.informerFor<Pod>(R.pods);
    const enqueue = (k: string) => this.queue.add(k);
    this.dInformer.addEventHandler(selfHandlers<Deployment>(enqueue));
    this.rsInformer.addEventHandler(dependentHandlers<Deployment, ReplicaSet>({
      ownerKind: 'Deployment',
      owners: this.dInformer.store,
      enqueue,
      ownersOfOrphan: (rs) => inNamespace(this.dInformer.store, rs.metadata.namespace)
        .filter((d) => selectorFromLabelSelector(d.spec.selector).matches(rs.metadata.labels)),
    }));
    // Recreate waits for old pods to go away: a pod deletion re-checks the deployment.
    this.podInformer.addEventHandler({
      onDelete: (pod) => {
        const rs = resolveOwner(pod, 'ReplicaSet', this.rsInformer.store);
        const d = rs && resolveOwner(rs, 'Deployment', this.dInformer.store);
        if (d && d.spec.strategy?.type === 'Recreate') enqueue(keyOf(d));
      },
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.dInformer, this.rsInformer, this.podInformer] }, signal);
  }

  /**
   * Steps: 1. read and default the deployment; 2. claim its ReplicaSets; 3. deleted → status only;
   * 4. paused conditions; 5. paused or a scaling event → scale only; 6. otherwise roll out by strategy.
   */
  async reconcile(key: string): Promise<Result> {
    const cached = this.dInformer.store.get(key);
    if (!cached) return;
    const d = withDefaults(cached);
    const everything = !d.spec.selector || (Object.keys(d.spec.selector.matchLabels ?? {}).length === 0 && (d.spec.selector.matchExpressions ?? []).length === 0);
    if (everything) {
      this.ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.writeStatus(d, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      }
      return;
    }
    const rsList = await this.claimReplicaSets(d);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (d.spec.paused) return this.scaleOnly(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.scaleOnly(d, rsList);
    return d.spec.strategy?.type === 'Recreate' ? this.rolloutRecreate(d, rsList) : this.rolloutRolling(d, rsList);
  }

  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const selector = selectorFromLabelSelector(d.spec.selector);
    const plan = planClaims(d, inNamespace(this.rsInformer.store, d.metadata.namespace), (rs) => selector.matches(rs.metadata.labels));
    const ref = newControllerRef(d, 'apps/v1', 'Deployment');
    const owned = [...plan.owned];
    for (const rs of plan.adopt) {
      try {
        owned.push(await this.replicasets.patch(rs.metadata.namespace, rs.metadata.name!, 'merge', adoptPatch(rs, ref)));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    for (const rs of plan.release) {
      try {
        await this.replicasets.patch(rs.metadata.namespace, rs.metadata.name!, 'merge', releasePatch(rs, d.metadata.uid!));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return owned.map((rs) => structuredClone(rs));
  }

  private isScalingEvent(d: Deployment, rsList: ReplicaSet[]): boolean {
    const newRS = findNewReplicaSet(d, rsList);
    const olds = findOldReplicaSets(rsList, newRS);
    for (const rs of activeReplicaSets([newRS, ...olds])) {
      const desired = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
      if (desired === undefined) continue;
      if (Number(desired) !== d.spec.replicas) return true;
    }
    return false;
  }

  private async checkPausedConditions(d: Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    if (cond?.reason === Reasons.TimedOut) return;
    const paused = cond?.reason === Reasons.Paused;
    const now = this.ctx.clock.now();
    const status = structuredClone(d.status ?? {});
    if (d.spec.paused && !paused) setCondition(status, newCondition(PROGRESSING, 'Unknown', Reasons.Paused, 'Deployment is paused', now));
    else if (!d.spec.paused && paused) setCondition(status, newCondition(PROGRESSING, 'Unknown', Reasons.Resumed, 'Deployment is resumed', now));
    else return;
    await this.writeStatus(d, status);
  }

  /**
   * The new RS for the current template (created when `create`) and the old ones, with the
   * revision annotations synced (upstream getAllReplicaSetsAndSyncRevision).
   */
  private async newAndOld(d: Deployment, rsList: ReplicaSet[], create: boolean): Promise<{ newRS?: ReplicaSet; olds: ReplicaSet[] }> {
    const existing = findNewReplicaSet(d, rsList);
    const olds = findOldReplicaSets(rsList, existing);
    const newRevision = maxRevision(olds) + 1;
    const now = this.ctx.clock.now();
    if (existing) {
      const rs = structuredClone(existing);
      const annChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true, maxSurge(d));
      const mrsChanged = (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      let newRS = existing;
      if (annChanged || mrsChanged) {
        rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        newRS = await this.replicasets.update(rs.metadata.namespace, rs);
      }
      await this.syncDeploymentRevision(d, newRS.metadata.annotations?.[REVISION]);
      const cond = getCondition(d.status, PROGRESSING);
      if (hasProgressDeadline(d) && !cond) {
        const status = structuredClone(d.status ?? {});
        setCondition(status, newCondition(PROGRESSING, 'True', Reasons.FoundNewRS, `Found new replica set "${newRS.metadata.name}"`, now));
        await this.writeStatus(d, status);
      }
      return { newRS, olds };
    }
    if (!create) return { olds };
    // Create the new RS named <deployment>-<hash>.
    const template = structuredClone(d.spec.template);
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...(template.metadata.labels ?? {}) }, annotations: {},
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    const all = [...olds, rs];
    rs.spec.replicas = newRSNewReplicas(d, all, rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false, maxSurge(d));
    let created: ReplicaSet;
    try {
      created = await this.replicasets.create(rs.metadata.namespace, rs);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const cur = await this.replicasets.get(rs.metadata.namespace, rs.metadata.name!);
      const ctl = getControllerOf(cur);
      if (ctl?.uid === d.metadata.uid && equalIgnoreHash(cur.spec.template, d.spec.template)) return { newRS: cur, olds };
      // A hash collision: bump collisionCount so the next sync computes another name.
      const status = structuredClone(d.status ?? {});
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      await this.writeStatus(d, status);
      throw new Error(`hash collision for deployment ${keyOf(d)}; collisionCount now ${status.collisionCount}`);
    }
    if (replicasOf(created) > 0) {
      this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${replicasOf(created)}`);
    }
    await this.syncDeploymentRevision(d, String(newRevision));
    if (hasProgressDeadline(d)) {
      const status = structuredClone(d.status ?? {});
      setCondition(status, newCondition(PROGRESSING, 'True', Reasons.NewRSCreated, `Created new replica set "${created.metadata.name}"`, now));
      await this.writeStatus(d, status);
    }
    return { newRS: created, olds };
  }

  /** Keeps the deployment's revision annotation equal to its new RS's. */
  private async syncDeploymentRevision(d: Deployment, revision: string | undefined): Promise<void> {
    if (revision === undefined || d.metadata.annotations?.[REVISION] === revision) return;
    const updated = await this.deployments.patch(d.metadata.namespace, d.metadata.name!, 'merge', { metadata: { annotations: { [REVISION]: revision } } });
    d.metadata.annotations = updated.metadata.annotations;
    d.metadata.resourceVersion = updated.metadata.resourceVersion;
  }

  /** Writes status (conflicts surface as errors and the key is retried). */
  private async writeStatus(d: Deployment, status: Deployment['status']): Promise<void> {
    const fresh = this.dInformer.store.get(keyOf(d));
    const base = fresh && Number(fresh.metadata.resourceVersion) > Number(d.metadata.resourceVersion) ? fresh : d;
    const body: Deployment = { ...structuredClone(base), status };
    body.metadata.resourceVersion = d.metadata.resourceVersion;
    const res = await this.deployments.updateStatus(d.metadata.namespace, body);
    d.status = res.status;
    d.metadata.resourceVersion = res.metadata.resourceVersion;
  }

  /** Sets an RS's replicas and replicas annotations; emits ScalingReplicaSet when the size changes. */
  private async scaleReplicaSet(rs: ReplicaSet, size: number, d: Deployment, op?: 'up' | 'down'): Promise<ReplicaSet> {
    const desired = d.spec.replicas ?? 1;
    const max = desired + maxSurge(d);
    const sizeChange = replicasOf(rs) !== size;
    if (!sizeChange && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const copy = structuredClone(rs);
    const oldSize = replicasOf(rs);
    copy.spec.replicas = size;
    setReplicasAnnotations(copy, desired, max);
    const res = await this.replicasets.update(copy.metadata.namespace, copy);
    if (sizeChange) {
      const dir = op ?? (size > oldSize ? 'up' : 'down');
      this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} to ${size}`);
    }
    return res;
  }

  /** Upstream `sync`: scale (proportionally) and, when paused, clean up; then status. */
  private async scaleOnly(d: Deployment, rsList: ReplicaSet[]): Promise<Result> {
    let { newRS, olds } = await this.newAndOld(d, rsList, false);
    const updated = await this.scale(d, newRS, olds);
    newRS = newRS && (updated.get(newRS.metadata.name!) ?? newRS);
    olds = olds.map((rs) => updated.get(rs.metadata.name!) ?? rs);
    if (d.spec.paused) await this.cleanup(d, olds);
    const all = newRS ? [...olds, newRS] : olds;
    const status = calculateStatus(all, newRS, d, this.ctx.clock.now());
    if (!deploymentStatusEqual(d.status, status)) await this.writeStatus(d, status);
  }

  private async scale(d: Deployment, newRS: ReplicaSet | undefined, olds: ReplicaSet[]): Promise<Map<string, ReplicaSet>> {
    const out = new Map<string, ReplicaSet>();
    const desired = d.spec.replicas ?? 1;
    const one = findActiveOrLatest(newRS, olds);
    if (one) {
      if (replicasOf(one) !== desired) out.set(one.metadata.name!, await this.scaleReplicaSet(one, desired, d));
      return out;
    }
    if (isSaturated(d, newRS)) {
      for (const rs of activeReplicaSets(olds)) out.set(rs.metadata.name!, await this.scaleReplicaSet(rs, 0, d));
      return out;
    }
    if (isRollingUpdate(d)) {
      const active = activeReplicaSets([...olds, newRS]);
      const { sizes, op } = proportionalSizes(d, active);
      for (const rs of active) out.set(rs.metadata.name!, await this.scaleReplicaSet(rs, sizes.get(rs.metadata.name!)!, d, op || undefined));
    }
    return out;
  }

  private async cleanup(d: Deployment, olds: ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanup(d, olds)) {
      try {
        await this.replicasets.delete(rs.metadata.namespace, rs.metadata.name!);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private async syncStatusOnly(d: Deployment, rsList: ReplicaSet[]): Promise<Result> {
    const { newRS, olds } = await this.newAndOld(d, rsList, false);
    const all = newRS ? [...olds, newRS] : olds;
    const status = calculateStatus(all, newRS, d, this.ctx.clock.now());
    if (!deploymentStatusEqual(d.status, status)) await this.writeStatus(d, status);
  }

  /** Status with progress conditions; requeues for the progress deadline check. */
  private async syncRolloutStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<Result> {
    const now = this.ctx.clock.now();
    const status = calculateStatus(all, newRS, d, now);
    rolloutConditions(d, all, newRS, status, now);
    if (!deploymentStatusEqual(d.status, status)) await this.writeStatus(d, status);
    const after = msUntilDeadlineCheck(d, status, now);
    return after !== undefined ? { requeueAfter: after } : undefined;
  }

  /**
   * RollingUpdate. Steps: 1. get/create the new RS; 2. scale it up within maxSurge (return if it
   * changed); 3. scale old RSs down within maxUnavailable (return if changed); 4. complete →
   * clean up history; 5. status.
   */
  private async rolloutRolling(d: Deployment, rsList: ReplicaSet[]): Promise<Result> {
    const { newRS, olds } = await this.newAndOld(d, rsList, true);
    if (!newRS) return;
    let nrs = newRS;
    const all = () => [...olds, nrs];
    const desired = d.spec.replicas ?? 1;
    if (replicasOf(nrs) !== desired) {
      const target = replicasOf(nrs) > desired ? desired : newRSNewReplicas(d, all(), nrs);
      if (target !== replicasOf(nrs)) {
        nrs = await this.scaleReplicaSet(nrs, target, d);
        return this.syncRolloutStatus(d, all(), nrs);
      }
    }
    const plan = planOldScaleDown(d, all(), activeReplicaSets(olds), nrs);
    if (plan.size > 0) {
      for (let i = 0; i < olds.length; i++) {
        const size = plan.get(olds[i]!.metadata.name!);
        if (size !== undefined && size !== replicasOf(olds[i]!)) olds[i] = await this.scaleReplicaSet(olds[i]!, size, d);
      }
      return this.syncRolloutStatus(d, all(), nrs);
    }
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(d, olds);
    return this.syncRolloutStatus(d, all(), nrs);
  }

  /** Recreate: all old pods gone before the new RS scales up. */
  private async rolloutRecreate(d: Deployment, rsList: ReplicaSet[]): Promise<Result> {
    let { newRS, olds } = await this.newAndOld(d, rsList, false);
    let scaledDown = false;
    for (let i = 0; i < olds.length; i++) {
      if (replicasOf(olds[i]!) === 0) continue;
      olds[i] = await this.scaleReplicaSet(olds[i]!, 0, d);
      scaledDown = true;
    }
    const all = () => (newRS ? [...olds, newRS] : olds);
    if (scaledDown || this.oldPodsRunning(d, olds)) return this.syncRolloutStatus(d, all(), newRS);
    if (!newRS) ({ newRS, olds } = await this.newAndOld(d, rsList, true));
    if (newRS && replicasOf(newRS) !== (d.spec.replicas ?? 1)) newRS = await this.scaleReplicaSet(newRS, d.spec.replicas ?? 1, d);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(d, olds);
    return this.syncRolloutStatus(d, all(), newRS);
  }

  private oldPodsRunning(d: Deployment, olds: ReplicaSet[]): boolean {
    if (olds.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    const oldUids = new Set(olds.map((rs) => rs.metadata.uid));
    for (const p of inNamespace(this.podInformer.store, d.metadata.namespace)) {
      const ref = getControllerOf(p);
      if (!ref || !oldUids.has(ref.uid)) continue;
      const phase = p.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
    return false;
  }
}
