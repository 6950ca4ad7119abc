// The scheduler: informers feed the queue and the cache; scheduleOne pops a pod, runs the framework
// over a snapshot, assumes the decision, and binds asynchronously.
import type { PodDisruptionBudget, PriorityClass } from '../api/types/apps.js';
import type { Namespace, Node, Pod } from '../api/types/core.js';
import type { Condition, KubeObject } from '../api/types/meta.js';
import type { SharedInformerFactory } from '../client/cache/interfaces.js';
import type { Clientset } from '../client/interfaces.js';
import { R } from '../client/resources.js';
import { realClock, rfc3339, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { Runnable } from '../util/signals.js';
import { SchedulerCache } from './cache/cache.js';
import { ClusterSnapshot } from './cache/snapshot.js';
import { fitErrorMessage, type Diagnosis } from './framework/fit-error.js';
import { Code, CycleState, type QueuedPodInfo } from './framework/interface.js';
import { newPodInfo } from './framework/pod-info.js';
import { defaultProfile, type Profile } from './framework/profile.js';
import type { Registry } from './framework/registry.js';
import { Framework } from './framework/runtime.js';
import { SchedulerMetrics } from './metrics.js';
import { inTreeRegistry } from './plugins/index.js';
import { withResolvedPriority } from './priority.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';

/** Where scheduling events go (an EventRecorder in production, a list in tests). */
export interface EventSink {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SchedulerOptions {
  clientset: Clientset;
  profiles?: Profile[];
  registry?: Registry;
  clock?: Clock;
  logger?: Logger;
  events?: EventSink;
  metrics?: SchedulerMetrics;
  random?: () => number;
  /** Bindings in flight before scheduleOne waits (back-pressure on the apiserver). */
  maxInFlightBinds?: number;
  /** Monotonic high-resolution ms for latency metrics (default performance.now). */
  perfNow?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

const keyOfPod = (p: Pod): string => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
const terminating = (p: Pod): boolean => !!p.metadata.deletionTimestamp;
const finished = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
/** Plugins whose verdict can change when another pod is placed. */
const POD_SENSITIVE = new Set(['InterPodAffinity', 'PodTopologySpread']);

/** Contract: a Runnable; also drivable step by step (`handle*` + `scheduleOne`) in unit tests. */
export class Scheduler implements Runnable {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly metrics: SchedulerMetrics;
  readonly snapshot = new ClusterSnapshot();
  private frameworks = new Map<string, Framework>();
  private cs: Clientset;
  private clock: Clock;
  private log: Logger;
  private events: EventSink | undefined;
  private priorityClasses = new Map<string, PriorityClass>();
  /** PodDisruptionBudgets by namespace/name (preemption reads them). */
  private pdbs = new Map<string, PodDisruptionBudget>();
  private inFlightBinds = new Set<Promise<void>>();
  private maxInFlight: number;
  private perfNow: () => number;

  constructor(opts: SchedulerOptions) {
    this.cs = opts.clientset;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger();
    this.events = opts.events;
    this.metrics = opts.metrics ?? new SchedulerMetrics();
    this.maxInFlight = opts.maxInFlightBinds ?? 256;
    this.perfNow = opts.perfNow ?? (() => performance.now());
    this.cache = new SchedulerCache({ clock: this.clock });
    const registry = opts.registry ?? inTreeRegistry();
    const profiles = opts.profiles?.length ? opts.profiles : [defaultProfile()];
    let less: ((a: QueuedPodInfo, b: QueuedPodInfo) => boolean) | undefined;
    // The queue is created after the frameworks (it needs the sort) but they read nominations lazily.
    let queueRef: SchedulingQueue | undefined;
    for (const p of profiles) {
      const fw = new Framework(p, registry, {
        snapshot: () => this.snapshot,
        clientset: this.cs,
        clock: this.clock,
        logger: this.log.child({ profile: p.schedulerName }),
        nominatedPodsForNode: (n) => queueRef?.nominatedPodsForNode(n) ?? [],
        podDisruptionBudgets: () => [...this.pdbs.values()],
        ...(opts.random ? { random: opts.random } : {}),
      });
      if (!fw.queueSortPlugin) throw new Error(`profile ${p.schedulerName} has no QueueSort plugin`);
      less ??= (a, b) => fw.queueSortPlugin!.less(a, b);
      this.frameworks.set(p.schedulerName, fw);
    }
    this.queue = new SchedulingQueue({
      clock: this.clock,
      less: less!,
      ...(opts.initialBackoffMs !== undefined ? { initialBackoffMs: opts.initialBackoffMs } : {}),
      ...(opts.maxBackoffMs !== undefined ? { maxBackoffMs: opts.maxBackoffMs } : {}),
    });
    queueRef = this.queue;
    this.metrics.pendingSource = () => this.queue.lengths();
  }

  framework(schedulerName: string): Framework | undefined { return this.frameworks.get(schedulerName); }

  private responsible(pod: Pod): boolean { return this.frameworks.has(pod.spec.schedulerName ?? 'default-scheduler'); }

  // ---- event handlers (informer callbacks) ----

  handlePodAdd(pod: Pod): void {
    if (pod.spec.nodeName) {
      if (!finished(pod)) this.cache.addPod(pod);
      this.queue.delete(pod);
      this.queue.moveAllToActiveOrBackoff((q) => [...q.unschedulablePlugins].some((p) => POD_SENSITIVE.has(p)));
      return;
    }
    if (!this.responsible(pod) || terminating(pod) || this.cache.isAssumed(pod)) return;
    this.queue.add(withResolvedPriority(pod, [...this.priorityClasses.values()]));
  }

  handlePodUpdate(oldPod: Pod, pod: Pod): void {
    if (pod.spec.nodeName) {
      if (finished(pod)) { this.handlePodDelete(pod); return; }
      if (!oldPod.spec.nodeName) { this.handlePodAdd(pod); return; }
      this.cache.updatePod(pod);
      if (terminating(pod) !== terminating(oldPod) || JSON.stringify(oldPod.metadata.labels) !== JSON.stringify(pod.metadata.labels)) {
        this.queue.moveAllToActiveOrBackoff((q) => [...q.unschedulablePlugins].some((p) => POD_SENSITIVE.has(p)));
      }
      return;
    }
    if (!this.responsible(pod) || this.cache.isAssumed(pod)) return;
    if (terminating(pod)) { this.queue.delete(pod); return; }
    const p = withResolvedPriority(pod, [...this.priorityClasses.values()]);
    const changed = JSON.stringify([oldPod.spec, oldPod.metadata.labels, oldPod.metadata.annotations]) !== JSON.stringify([pod.spec, pod.metadata.labels, pod.metadata.annotations]);
    if (!this.queue.update(p, changed)) this.queue.add(p);
  }

  handlePodDelete(pod: Pod): void {
    // a deleted pod waiting at Permit is rejected (upstream)
    if (pod.metadata.uid) for (const fw of this.frameworks.values()) fw.rejectWaitingPod(pod.metadata.uid);
    if (pod.spec.nodeName) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoff();
    } else this.queue.delete(pod);
  }

  handleNodeAdd(node: Node): void {
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoff();
  }

  handleNodeUpdate(oldNode: Node, node: Node): void {
    this.cache.updateNode(node);
    const relevant = (n: Node) => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable]);
    if (relevant(oldNode) !== relevant(node)) this.queue.moveAllToActiveOrBackoff();
  }

  handleNodeDelete(node: Node): void { this.cache.removeNode(node); }

  handlePriorityClass(pc: PriorityClass, deleted = false): void {
    if (deleted) this.priorityClasses.delete(pc.metadata.name!);
    else this.priorityClasses.set(pc.metadata.name!, pc);
  }

  // ---- the scheduling cycle ----

  /**
   * Contract: schedules one pod; resolves when its scheduling cycle is over (binding continues in the
   * background; `waitForBindings` awaits it). Returns false once the queue is closed.
   * Steps: 1. pop; 2. snapshot; 3. filter (PostFilter on failure) and score; 4. assume + Reserve;
   * 5. Permit; 6. bind asynchronously.
   */
  async scheduleOne(): Promise<boolean> {
    // 1.
    if (this.inFlightBinds.size >= this.maxInFlight) await Promise.race(this.inFlightBinds);
    const q = await this.queue.pop();
    if (!q) return false;
    const cycle = this.queue.schedulingCycle;
    const pod = q.podInfo.pod;
    const fw = this.frameworks.get(pod.spec.schedulerName ?? 'default-scheduler');
    if (!fw || terminating(pod) || this.cache.isAssumed(pod)) { this.queue.done(q.podInfo.key); return true; }
    const start = this.perfNow();
    const state = new CycleState();
    // 2.
    this.cache.updateSnapshot(this.snapshot);
    const numNodes = this.snapshot.numNodes();
    let host: string;
    try {
      // 3.
      const out = fw.findNodesThatFit(state, pod, q.podInfo, this.snapshot);
      if (out.feasible.length === 0) {
        await this.handleUnschedulable(fw, q, cycle, state, out.diagnosis, numNodes, start);
        return true;
      }
      if (out.feasible.length === 1) host = out.feasible[0]!.name;
      else host = fw.selectHost(fw.prioritize(state, pod, q.podInfo, out.feasible));
      this.metrics.algorithmDuration.observe((this.perfNow() - start) / 1000);
    } catch (e) {
      this.handleError(fw, q, cycle, (e as Error).message, start);
      return true;
    }
    // 4.
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: host } };
    this.cache.assumePod(pod, host);
    const rs = fw.runReservePlugins(state, assumed, host);
    if (!rs.isSuccess()) {
      this.cache.forgetPod(pod);
      this.handleError(fw, q, cycle, rs.message(), start, rs.isRejected());
      return true;
    }
    // 5.
    const permit = fw.runPermitPlugins(state, assumed, host);
    if (!permit.status.isSuccess() && permit.status.code !== Code.Wait) {
      fw.runUnreservePlugins(state, assumed, host);
      this.cache.forgetPod(pod);
      this.handleError(fw, q, cycle, permit.status.message(), start, permit.status.isRejected());
      return true;
    }
    // 6.
    const p = this.bindingCycle(fw, q, cycle, state, pod, host, start);
    this.inFlightBinds.add(p);
    void p.finally(() => this.inFlightBinds.delete(p));
    return true;
  }

  /** Resolves when every binding started so far has finished. */
  async waitForBindings(): Promise<void> { await Promise.allSettled([...this.inFlightBinds]); }

  private async bindingCycle(fw: Framework, q: QueuedPodInfo, cycle: number, state: CycleState, pod: Pod, host: string, start: number): Promise<void> {
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: host } };
    // 1. a pod held at Permit waits until allowed, rejected or timed out
    const permit = await fw.waitOnPermit(assumed);
    if (!permit.isSuccess()) {
      fw.runUnreservePlugins(state, assumed, host);
      this.cache.forgetPod(pod);
      this.handleError(fw, q, cycle, permit.message(), start, permit.isRejected());
      return;
    }
    // 2. PreBind, Bind
    let st = await fw.runPreBindPlugins(state, assumed, host);
    if (st.isSuccess()) st = await fw.runBindPlugins(state, assumed, host);
    if (!st.isSuccess()) {
      fw.runUnreservePlugins(state, assumed, host);
      this.cache.forgetPod(pod);
      this.handleError(fw, q, cycle, `binding rejected: ${st.message()}`, start);
      return;
    }
    this.cache.finishBinding(pod);
    this.queue.done(q.podInfo.key);
    const secs = (this.perfNow() - start) / 1000;
    this.metrics.attempts.inc({ result: 'scheduled', profile: fw.profile.schedulerName });
    this.metrics.e2eDuration.observe({ result: 'scheduled', profile: fw.profile.schedulerName }, secs);
    this.metrics.attemptDuration.observe({ result: 'scheduled', profile: fw.profile.schedulerName }, secs);
    this.events?.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${q.podInfo.key} to ${host}`);
  }

  /**
   * Unschedulable: 1. PostFilter (preemption); 2. FailedScheduling event; 3. PodScheduled=False status
   * (and nominatedNodeName); 4. back to the queue.
   */
  private async handleUnschedulable(fw: Framework, q: QueuedPodInfo, cycle: number, state: CycleState, d: Diagnosis, numNodes: number, start: number): Promise<void> {
    const pod = q.podInfo.pod;
    let nominated: string | undefined;
    // 1.
    if (fw.hasPostFilter() && numNodes > 0) {
      try {
        const pf = await fw.runPostFilterPlugins(state, pod, d.nodeToStatus);
        if (pf.status.isSuccess()) nominated = pf.result?.nominatedNodeName;
        else if (pf.status.reasons.length) d.postFilterMsg = pf.status.message();
      } catch (e) {
        this.log.warn({ pod: q.podInfo.key, err: (e as Error).message }, 'postfilter failed');
      }
    }
    q.unschedulablePlugins = d.unschedulablePlugins;
    // Upstream returns ErrNoNodesAvailable as the whole message when the cluster has no nodes.
    const msg = numNodes === 0 ? 'no nodes available to schedule pods' : fitErrorMessage(numNodes, d);
    this.metrics.attempts.inc({ result: 'unschedulable', profile: fw.profile.schedulerName });
    this.metrics.attemptDuration.observe({ result: 'unschedulable', profile: fw.profile.schedulerName }, (this.perfNow() - start) / 1000);
    this.log.debug({ pod: q.podInfo.key, msg }, 'unschedulable');
    // 2.
    this.events?.event(pod, 'Warning', 'FailedScheduling', msg);
    // 3.
    if (nominated) this.queue.nominate(q.podInfo, nominated);
    await this.patchUnschedulable(pod, 'Unschedulable', msg, nominated);
    // 4.
    if (nominated) q.podInfo = newPodInfo({ ...pod, status: { ...pod.status, nominatedNodeName: nominated } });
    this.queue.addUnschedulable(q, cycle);
  }

  private handleError(fw: Framework, q: QueuedPodInfo, cycle: number, message: string, start: number, rejected = false): void {
    this.metrics.attempts.inc({ result: rejected ? 'unschedulable' : 'error', profile: fw.profile.schedulerName });
    this.metrics.attemptDuration.observe({ result: rejected ? 'unschedulable' : 'error', profile: fw.profile.schedulerName }, (this.perfNow() - start) / 1000);
    this.log.warn({ pod: q.podInfo.key, err: message }, 'scheduling attempt failed');
    this.events?.event(q.podInfo.pod, 'Warning', 'FailedScheduling', message);
    void this.patchUnschedulable(q.podInfo.pod, rejected ? 'Unschedulable' : 'SchedulerError', message, undefined);
    this.queue.addUnschedulable(q, cycle, { error: !rejected });
  }

  /** Sets PodScheduled=False (skipped when already identical) and nominatedNodeName via a status merge patch. */
  private async patchUnschedulable(pod: Pod, reason: string, message: string, nominated: string | undefined): Promise<void> {
    const conds = pod.status?.conditions ?? [];
    const cur = conds.find((c) => c.type === 'PodScheduled');
    if (cur && cur.status === 'False' && cur.reason === reason && cur.message === message && !nominated) return;
    const cond: Condition = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime ?? rfc3339(this.clock.now()) : rfc3339(this.clock.now()) };
    const status: Record<string, unknown> = { conditions: [...conds.filter((c) => c.type !== 'PodScheduled'), cond] };
    if (nominated) status.nominatedNodeName = nominated;
    try {
      await this.cs.resource<Pod>(R.pods).patch(pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, { subresource: 'status' });
    } catch (e) {
      this.log.debug({ pod: keyOfPod(pod), err: (e as Error).message }, 'status patch failed');
    }
  }

  // ---- running ----

  handlePDB(pdb: PodDisruptionBudget, deleted = false): void {
    const key = `${pdb.metadata.namespace ?? 'default'}/${pdb.metadata.name}`;
    if (deleted) this.pdbs.delete(key);
    else this.pdbs.set(key, pdb);
  }

  /** Namespace labels feed affinity terms' `namespaceSelector` (read through the snapshot). */
  handleNamespace(ns: Namespace, deleted = false): void {
    this.snapshot.setNamespace(ns.metadata.name!, deleted ? undefined : { ...(ns.metadata.labels ?? {}) });
  }

  /** Contract: wires informers (pods, nodes, priorityclasses, namespaces, poddisruptionbudgets) to the handlers. Call before `factory.start`. */
  attachInformers(factory: SharedInformerFactory): void {
    const pods = factory.informerFor<Pod>(R.pods);
    const nodes = factory.informerFor<Node>(R.nodes);
    const pcs = factory.informerFor<PriorityClass>(R.priorityclasses);
    const nss = factory.informerFor<Namespace>(R.namespaces);
    const pdbs = factory.informerFor<PodDisruptionBudget>(R.poddisruptionbudgets);
    pdbs.addEventHandler({
      onAdd: (o) => this.handlePDB(o),
      onUpdate: (_o, n) => this.handlePDB(n),
      onDelete: (o) => this.handlePDB(o, true),
    });
    nss.addEventHandler({
      onAdd: (n) => this.handleNamespace(n),
      onUpdate: (_o, n) => this.handleNamespace(n),
      onDelete: (n) => this.handleNamespace(n, true),
    });
    pcs.addEventHandler({
      onAdd: (o) => this.handlePriorityClass(o),
      onUpdate: (_o, n) => this.handlePriorityClass(n),
      onDelete: (o) => this.handlePriorityClass(o, true),
    });
    nodes.addEventHandler({ onAdd: (n) => this.handleNodeAdd(n), onUpdate: (o, n) => this.handleNodeUpdate(o, n), onDelete: (n) => this.handleNodeDelete(n) });
    pods.addEventHandler({ onAdd: (p) => this.handlePodAdd(p), onUpdate: (o, n) => this.handlePodUpdate(o, n), onDelete: (p) => this.handlePodDelete(p) });
  }

  /**
   * Contract: runs the loop until `signal` aborts. Informers must be attached, started and synced by
   * the caller. Background ticks: backoff flush (1 s), leftover flush (30 s), assumed-pod expiry (1 s).
   */
  async start(signal: AbortSignal): Promise<void> {
    const ticks = [
      this.tick(signal, 1000, () => this.queue.flushBackoffCompleted()),
      this.tick(signal, 30_000, () => this.queue.flushUnschedulableLeftover()),
      this.tick(signal, 1000, () => {
        for (const p of this.cache.cleanupExpiredAssumedPods()) this.log.warn({ pod: keyOfPod(p) }, 'assumed pod expired');
      }),
    ];
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    if (signal.aborted) this.queue.close();
    while (!signal.aborted) {
      try {
        if (!(await this.scheduleOne())) break;
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'scheduleOne failed');
      }
    }
    await Promise.all(ticks);
    await this.waitForBindings();
  }

  private async tick(signal: AbortSignal, ms: number, f: () => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(ms, signal);
      } catch {
        return;
      }
      f();
    }
  }
}
