// The DaemonSet controller: one pod per eligible node, pinned to it by node affinity (the scheduler
// binds it), rolled with maxUnavailable/maxSurge, history in ControllerRevisions.
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isNotFound, type Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { isControlledBy, newControllerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { canonicalJson } from '../common/hash.js';
import { CONTROLLER_REVISION_HASH, ensureRevision, truncateHistory } from '../common/history.js';
import { inNamespace } from '../common/owner-events.js';
import { generateNamePrefix, podFromTemplate } from '../common/pod-template.js';
import { msUntilAvailable } from '../common/pod-util.js';
import { wireOwnerPods, type OwnerPods } from '../common/owner-pods.js';
import { pinToNode, withDaemonTolerations } from './eligibility.js';
import { computeDaemonSetStatus, planDaemonSet } from './plan.js';

/** The deprecated label upstream still puts on daemon pods. */
export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

/** The daemon pod for `nodeName` (upstream NewPod + tolerations + node affinity). */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const pod = podFromTemplate(ds.spec.template, {
    namespace: ds.metadata.namespace!, generateName: generateNamePrefix(ds.metadata.name!),
    controllerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'),
    extraLabels: { [CONTROLLER_REVISION_HASH]: hash, [POD_TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1) },
  });
  pod.spec.tolerations = withDaemonTolerations(pod.spec);
  pod.spec.affinity = pinToNode(pod.spec.affinity, nodeName);
  return pod;
}

/** Contract: a Runnable + Reconciler over "namespace/name" keys of DaemonSets. */
export class DaemonSetController {
  readonly name = 'daemonset';
  readonly queue: WorkQueue<string>;
  readonly expectations: Expectations;
  private readonly cs: Clientset;
  private readonly dsInformer: Informer<DaemonSet>;
  private readonly nodeInformer: Informer<Node>;
  private readonly revInformer: Informer<ControllerRevision>;
  private readonly wiring: OwnerPods<DaemonSet>;

  constructor(private readonly ctx: ControllerContext) {
    this.cs = ctx.clientset;
    this.expectations = new Expectations({ clock: ctx.clock });
    this.wiring = wireOwnerPods<DaemonSet>({ ctx, name: this.name, ownerRef: R.daemonsets, ownerKind: 'DaemonSet', expectations: this.expectations });
    this.queue = this.wiring.queue;
    this.dsInformer = this.wiring.owners;
    this.nodeInformer = ctx.informers.informerFor<Node>(R.nodes);
    this.revInformer = ctx.informers.informerFor<ControllerRevision>(R.controllerrevisions);
    const all = () => { for (const k of this.dsInformer.store.keys()) this.queue.add(k); };
    this.nodeInformer.addEventHandler({
      onAdd: all,
      onDelete: all,
      onUpdate: (o, n) => {
        if (canonicalJson([o.metadata.labels, o.spec?.taints]) !== canonicalJson([n.metadata.labels, n.spec?.taints])) all();
      },
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.wiring.start(this, signal, [this.nodeInformer as Informer, this.revInformer as Informer]);
  }

  /**
   * Steps: 1. read the DaemonSet; 2. claim pods; 3. find/create the revision of the live template;
   * 4. when expectations are met and not being deleted, carry out the plan; 5. write status;
   * 6. trim history; 7. requeue for minReadySeconds.
   */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    const ds = this.dsInformer.store.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const ns = ds.metadata.namespace!;
    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const pods = await this.wiring.claimPods(ds, ref);
    const revClient = this.cs.resource<ControllerRevision>(R.controllerrevisions);
    const revisions = inNamespace(this.revInformer.store, ns).filter((r) => isControlledBy(r, ds));
    const ensured = await ensureRevision({
      client: revClient, owner: ds, ownerRef: ref, labels: ds.spec.template.metadata?.labels ?? {},
      revisions, template: ds.spec.template, collisionCount: ds.status?.collisionCount ?? 0,
    });
    const hash = ensured.revision.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '';
    const now = this.ctx.clock.now();
    const input = { ds, nodes: this.nodeInformer.store.list(), pods, hash, now };
    if (!ds.metadata.deletionTimestamp && this.expectations.satisfied(key)) await this.execute(key, ds, input);
    const status = computeDaemonSetStatus(input);
    if (ensured.collisionCount) status.collisionCount = ensured.collisionCount;
    await this.writeStatus(ds, status);
    const live = new Set(revisions.filter((r) => pods.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === r.metadata.labels?.[CONTROLLER_REVISION_HASH])).map((r) => r.metadata.name!));
    live.add(ensured.revision.metadata.name!);
    await truncateHistory(revClient, revisions, live, ds.spec.revisionHistoryLimit ?? 10);
    const mrs = ds.spec.minReadySeconds ?? 0;
    if (mrs > 0) {
      const waits = pods.map((p) => msUntilAvailable(p, mrs, now)).filter((x): x is number => x !== undefined);
      if (waits.length) return { requeueAfter: Math.min(...waits) + 50 };
    }
  }

  private async execute(key: string, ds: DaemonSet, input: Parameters<typeof planDaemonSet>[0]): Promise<void> {
    const plan = planDaemonSet(input);
    const ns = ds.metadata.namespace!;
    for (const p of plan.failed) {
      this.ctx.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${ns}/${p.metadata.name} on node ${p.spec.nodeName ?? ''}, will try to kill it`);
    }
    if (plan.createOn.length === 0 && plan.delete.length === 0) return;
    this.expectations.expect(key, plan.createOn.length, plan.delete.length, plan.delete.map(keyOf));
    const pods = this.cs.resource<Pod>(R.pods);
    const results = await Promise.allSettled([
      ...plan.createOn.map(async (node) => {
        try {
          const created = await pods.create(ns, newDaemonPod(ds, node, input.hash));
          this.ctx.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (e) {
          this.expectations.creationObserved(key);
          this.ctx.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
          throw e;
        }
      }),
      ...plan.delete.map(async (p) => {
        try {
          await pods.delete(ns, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          this.ctx.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (isNotFound(e) || (e as { code?: number }).code === 409) return;
          this.ctx.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
          throw e;
        }
      }),
    ]);
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) throw bad.reason;
  }

  private async writeStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    if (canonicalJson(ds.status ?? {}) === canonicalJson(status)) return;
    try {
      await this.cs.resource<DaemonSet>(R.daemonsets).updateStatus(ds.metadata.namespace, { ...ds, status });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
