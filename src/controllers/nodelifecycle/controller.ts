// The node lifecycle controller: watches kubelet heartbeats (node Leases and the Ready condition),
// marks silent nodes Unknown, keeps the not-ready/unreachable taints in step with Ready, marks the
// pods of a not-ready node not ready, and evicts pods from NoExecute-tainted nodes once their
// tolerations run out (upstream's node lifecycle + taint eviction controllers).
import type { Lease, Node, Pod } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isConflict, isNotFound } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import { rfc3339 } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerContext } from '../common/context.js';
import { indexPodsByNode, podsOnNode } from '../common/pods-by-node.js';
import { isPodReady } from '../common/pod-util.js';
import { runController } from '../common/run.js';
import { planEviction } from './eviction.js';
import { observe, readyCondition, staleConditions, type Probe } from './health.js';
import { desiredTaints } from './taints.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Timing, mirroring --node-monitor-grace-period and --node-monitor-period. */
export interface NodeLifecycleOptions {
  /** Silence after which a node turns Unknown (upstream 50 s). */
  gracePeriodMs?: number;
  /** How often every node is checked (upstream 5 s). */
  monitorPeriodMs?: number;
}

/** Contract: a Runnable + Reconciler over node names. */
export class NodeLifecycleController {
  readonly name = 'nodelifecycle';
  readonly queue: WorkQueue<string>;
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly probes = new Map<string, Probe>();
  /** Ready status seen on the previous pass, for the NodeNotReady event on the edge. */
  private readonly lastReady = new Map<string, string>();
  private readonly graceMs: number;
  private readonly periodMs: number;
  private readonly log: Logger;

  constructor(private readonly ctx: ControllerContext, o: NodeLifecycleOptions = {}) {
    this.graceMs = o.gracePeriodMs ?? 50_000;
    this.periodMs = o.monitorPeriodMs ?? 5_000;
    this.log = ctx.logger.child({ controller: this.name });
    this.queue = ctx.newQueue(this.name);
    this.nodes = ctx.informers.informerFor<Node>(R.nodes);
    this.leases = ctx.informers.informerFor<Lease>(R.leases, { namespace: NODE_LEASE_NAMESPACE });
    this.pods = ctx.informers.informerFor<Pod>(R.pods);
    indexPodsByNode(this.pods);
    this.nodes.addEventHandler({ onAdd: (n) => this.queue.add(n.metadata.name!), onUpdate: (_o, n) => this.queue.add(n.metadata.name!), onDelete: (n) => {
      this.probes.delete(n.metadata.name!);
      this.lastReady.delete(n.metadata.name!);
    } });
    this.leases.addEventHandler({ onAdd: (l) => this.queue.add(l.metadata.name!), onUpdate: (_o, l) => this.queue.add(l.metadata.name!) });
    const onPod = (p: Pod) => {
      if (p.spec.nodeName && !p.metadata.deletionTimestamp) this.queue.add(p.spec.nodeName);
    };
    this.pods.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p) });
  }

  /** Runs the workers and a monitor tick that re-checks every node each period. */
  start(signal: AbortSignal): Promise<void> {
    const tick = async () => {
      while (!signal.aborted) {
        await this.ctx.clock.sleep(this.periodMs, signal).catch(() => undefined);
        for (const k of this.nodes.store.keys()) this.queue.add(k);
      }
    };
    void tick();
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.nodes, this.leases, this.pods] }, signal);
  }

  /**
   * Steps: 1. note kubelet signals; a node silent past the grace period gets its kubelet
   * conditions set Unknown (event NodeNotReady on the True → not-True edge); 2. bring the
   * not-ready/unreachable taints in line with Ready; 3. on a not-Ready node, mark its pods not
   * ready; 4. evict pods whose tolerations of the NoExecute taints ran out, and requeue for the
   * next deadline (or when the node would go stale).
   */
  async reconcile(name: string): Promise<{ requeueAfter?: number } | void> {
    let node = this.nodes.store.get(name);
    if (!node) return;
    const now = this.ctx.clock.now();
    const client = this.ctx.clientset.resource<Node>(R.nodes);
    // 1. health
    const probe = observe(this.probes.get(name), node, this.leases.store.get(`${NODE_LEASE_NAMESPACE}/${name}`), now);
    this.probes.set(name, probe);
    const stale = staleConditions(node, probe, now, this.graceMs);
    if (stale) {
      node = await client.updateStatus(undefined, { ...node, status: { ...(node.status ?? {}), conditions: stale } });
      this.log.info({ node: name }, 'node stopped posting status; conditions set Unknown');
    }
    const ready = readyCondition(node)?.status ?? 'Unknown';
    const before = this.lastReady.get(name);
    this.lastReady.set(name, ready);
    if (before === 'True' && ready !== 'True') {
      this.ctx.recorder.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    // 2. taints
    const taints = desiredTaints(node, now);
    if (taints) {
      try {
        node = await client.update(undefined, { ...node, spec: { ...(node.spec ?? {}), taints } });
      } catch (e) {
        if (isConflict(e)) return { requeueAfter: 100 };
        throw e;
      }
    }
    const pods = podsOnNode(this.pods, name).filter((p) => !p.metadata.deletionTimestamp);
    // 3. pods not ready
    if (readyCondition(node)?.status !== 'True') await Promise.all(pods.filter(isPodReady).map((p) => this.markNotReady(p, now)));
    // 4. eviction
    const untilStale = probe.at + this.graceMs + 1 - now;
    let next = untilStale > 0 ? untilStale : Infinity;
    await Promise.all(pods.map(async (p) => {
      const plan = planEviction(p, node!.spec?.taints, now);
      if (plan.kind === 'evictAt') next = Math.min(next, plan.at - now);
      if (plan.kind === 'evictNow') await this.evict(p);
    }));
    return next !== Infinity ? { requeueAfter: Math.max(next, 1) } : undefined;
  }

  /** Ready=False on the pod (as upstream's MarkPodsNotReady), with a NodeNotReady warning. */
  private async markNotReady(pod: Pod, now: number): Promise<void> {
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' as const, lastTransitionTime: rfc3339(now) } : c));
    try {
      await this.ctx.clientset.resource<Pod>(R.pods).updateStatus(pod.metadata.namespace, { ...pod, status: { ...(pod.status ?? {}), conditions } });
      this.ctx.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async evict(pod: Pod): Promise<void> {
    this.ctx.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${keyOf(pod)}`);
    try {
      await this.ctx.clientset.resource<Pod>(R.pods).delete(pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}
