// The StatefulSet controller: pods with stable ordinal names, hostname/subdomain, revisions in
// ControllerRevisions, ordered or parallel management and partitioned rolling updates.
// volumeClaimTemplates are not acted on (no PersistentVolumeClaims are served).
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet, StatefulSetStatus } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isAlreadyExists, isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { isControlledBy, newControllerRef } from '../common/controller-ref.js';
import { canonicalJson } from '../common/hash.js';
import { CONTROLLER_REVISION_HASH, ensureRevision, templateOfRevision, truncateHistory } from '../common/history.js';
import { inNamespace } from '../common/owner-events.js';
import { podFromTemplate } from '../common/pod-template.js';
import { msUntilAvailable } from '../common/pod-util.js';
import { wireOwnerPods, type OwnerPods } from '../common/owner-pods.js';
import { POD_INDEX_LABEL, POD_NAME_LABEL, computeStatefulSetStatus, planStatefulSet, podRevision, type PodToCreate } from './plan.js';

/** Builds the pod of `ordinal` from a template (upstream newStatefulSetPod + identity). */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revisionName: string): Pod {
  const name = `${set.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(template, {
    namespace: set.metadata.namespace!, name,
    controllerRef: newControllerRef(set, 'apps/v1', 'StatefulSet'),
    extraLabels: { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH]: revisionName },
  });
  pod.spec.hostname = name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  return pod;
}

/** Contract: a Runnable + Reconciler over "namespace/name" keys of StatefulSets. */
export class StatefulSetController {
  readonly name = 'statefulset';
  readonly queue: WorkQueue<string>;
  private readonly cs: Clientset;
  private readonly setInformer: Informer<StatefulSet>;
  private readonly revInformer: Informer<ControllerRevision>;
  private readonly wiring: OwnerPods<StatefulSet>;

  constructor(private readonly ctx: ControllerContext) {
    this.cs = ctx.clientset;
    this.wiring = wireOwnerPods<StatefulSet>({ ctx, name: this.name, ownerRef: R.statefulsets, ownerKind: 'StatefulSet' });
    this.queue = this.wiring.queue;
    this.setInformer = this.wiring.owners;
    this.revInformer = ctx.informers.informerFor<ControllerRevision>(R.controllerrevisions);
  }

  start(signal: AbortSignal): Promise<void> {
    return this.wiring.start(this, signal, [this.revInformer as Informer]);
  }

  /**
   * Steps: 1. read the set; 2. claim pods; 3. find/create the update revision, pick the current one;
   * 4. unless the set is being deleted, carry out the plan (creates, deletes); 5. write status;
   * 6. trim revision history; 7. requeue for minReadySeconds.
   */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    const set = this.setInformer.store.get(key);
    if (!set) return;
    const ns = set.metadata.namespace!;
    const ref = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const pods = await this.wiring.claimPods(set, ref);
    const revClient = this.cs.resource<ControllerRevision>(R.controllerrevisions);
    const revisions = inNamespace(this.revInformer.store, ns).filter((r) => isControlledBy(r, set));
    const ensured = await ensureRevision({
      client: revClient, owner: set, ownerRef: ref, labels: set.spec.template.metadata?.labels ?? {},
      revisions, template: set.spec.template, collisionCount: set.status?.collisionCount ?? 0,
    });
    const update = ensured.revision;
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    const now = this.ctx.clock.now();
    const input = { set, pods, currentRevision: current.metadata.name!, updateRevision: update.metadata.name!, now };
    if (!set.metadata.deletionTimestamp) {
      const plan = planStatefulSet(input);
      await Promise.all([
        ...plan.create.map((c) => this.createPod(set, c, c.revision === 'current' ? current : update)),
        ...plan.delete.map((p) => this.deletePod(set, p)),
      ]);
    }
    const status = computeStatefulSetStatus({ ...input, collisionCount: ensured.collisionCount });
    await this.writeStatus(set, status);
    const live = new Set([current.metadata.name!, update.metadata.name!, ...pods.map(podRevision).filter((x): x is string => !!x)]);
    await truncateHistory(revClient, [...revisions.filter((r) => r.metadata.name !== update.metadata.name), update], live, set.spec.revisionHistoryLimit ?? 10);
    const mrs = set.spec.minReadySeconds ?? 0;
    if (mrs > 0) {
      const waits = pods.map((p) => msUntilAvailable(p, mrs, now)).filter((x): x is number => x !== undefined);
      if (waits.length) return { requeueAfter: Math.min(...waits) + 50 };
    }
  }

  private async createPod(set: StatefulSet, c: PodToCreate, rev: ControllerRevision): Promise<void> {
    const template = templateOfRevision(rev) ?? set.spec.template;
    const pod = newStatefulSetPod(set, template, c.ordinal, rev.metadata.name!);
    try {
      await this.cs.resource<Pod>(R.pods).create(set.metadata.namespace, pod);
      this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isAlreadyExists(e)) return;
      this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
      throw e;
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.cs.resource<Pod>(R.pods).delete(pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.ctx.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isNotFound(e) || (e as { code?: number }).code === 409) return;
      this.ctx.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
      throw e;
    }
  }

  private async writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    if (canonicalJson(set.status ?? {}) === canonicalJson(status)) return;
    try {
      await this.cs.resource<StatefulSet>(R.statefulsets).updateStatus(set.metadata.namespace, { ...set, status });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
