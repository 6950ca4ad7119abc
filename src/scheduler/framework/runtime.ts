// The framework runtime: instantiates a profile's plugins and runs the extension points.
import type { PodDisruptionBudget } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import type { Clientset } from '../../client/interfaces.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Diagnosis } from './fit-error.js';
import {
  Code, CycleState, MAX_NODE_SCORE, Status,
  type AnyPlugin, type BindPlugin, type FilterPlugin, type Handle, type NodeScore, type PermitPlugin, type PostFilterPlugin,
  type PostFilterResult, type PreBindPlugin, type PreFilterPlugin, type PreScorePlugin, type QueueSortPlugin, type ReservePlugin,
  type ScorePlugin, type Snapshot, type WaitingPodHandle,
} from './interface.js';
import type { NodeInfo } from './node-info.js';
import { newPodInfo, podPriority, type PodInfo } from './pod-info.js';
import type { Profile } from './profile.js';
import { WaitingPod, WaitingPods } from './waiting-pods.js';
import type { Registry } from './registry.js';

/** Lower bounds of the adaptive sample, as upstream. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** Contract: how many feasible nodes a cycle looks for among `numAllNodes` (upstream numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage?: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct <= 0) {
    pct = 50 - Math.floor(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (pct >= 100) return numAllNodes;
  const n = Math.floor((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** What the framework needs from its host (the scheduler). */
export interface FrameworkDeps {
  snapshot(): Snapshot;
  clientset?: Clientset;
  clock: Clock;
  logger: Logger;
  /** Pods nominated to a node by preemption (empty when none). */
  nominatedPodsForNode?(nodeName: string): PodInfo[];
  /** PodDisruptionBudgets (empty when none). */
  podDisruptionBudgets?(): PodDisruptionBudget[];
  /** Uniform [0,1) source for tie-breaking; injected for deterministic tests. */
  random?: () => number;
}

/** Outcome of filtering: feasible nodes and the diagnosis of rejected ones. */
export interface FilterOutcome { feasible: NodeInfo[]; diagnosis: Diagnosis; evaluated: number }

interface Weighted { plugin: ScorePlugin; weight: number }

/** Contract: one profile's plugin instances and the procedures that run them. */
export class Framework implements Handle {
  readonly profile: Profile;
  readonly clientset: Clientset | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  private deps: FrameworkDeps;
  private instances = new Map<string, AnyPlugin>();
  queueSortPlugin: QueueSortPlugin | undefined;
  private preFilters: PreFilterPlugin[] = [];
  private filters: FilterPlugin[] = [];
  private postFilters: PostFilterPlugin[] = [];
  private preScores: PreScorePlugin[] = [];
  private scores: Weighted[] = [];
  private reserves: ReservePlugin[] = [];
  private permits: PermitPlugin[] = [];
  private preBinds: PreBindPlugin[] = [];
  private binds: BindPlugin[] = [];
  private nextStartNodeIndex = 0;
  private waiting = new WaitingPods();
  private random: () => number;

  constructor(profile: Profile, registry: Registry, deps: FrameworkDeps) {
    this.profile = profile;
    this.deps = deps;
    this.clientset = deps.clientset;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.random = deps.random ?? Math.random;
    // 1. instantiate each named plugin once
    const inst = (name: string): AnyPlugin => {
      let p = this.instances.get(name);
      if (!p) {
        const f = registry.get(name);
        if (!f) throw new Error(`profile ${profile.schedulerName}: unknown plugin ${name}`);
        p = f(profile.pluginConfig[name] ?? {}, this);
        this.instances.set(name, p);
      }
      return p;
    };
    const pl = profile.plugins;
    // 2. wire explicit per-point lists, checking each plugin implements the point
    const need = <T>(name: string, method: keyof AnyPlugin, point: string): T => {
      const p = inst(name);
      if (typeof p[method] !== 'function') throw new Error(`plugin ${name} does not implement ${point}`);
      return p as T;
    };
    const qs = pl.queueSort.map((r) => need<QueueSortPlugin>(r.name, 'less', 'QueueSort'));
    this.preFilters = pl.preFilter.map((r) => need<PreFilterPlugin>(r.name, 'preFilter', 'PreFilter'));
    this.filters = pl.filter.map((r) => need<FilterPlugin>(r.name, 'filter', 'Filter'));
    this.postFilters = pl.postFilter.map((r) => need<PostFilterPlugin>(r.name, 'postFilter', 'PostFilter'));
    this.preScores = pl.preScore.map((r) => need<PreScorePlugin>(r.name, 'preScore', 'PreScore'));
    this.scores = pl.score.map((r) => ({ plugin: need<ScorePlugin>(r.name, 'score', 'Score'), weight: r.weight ?? 1 }));
    this.reserves = pl.reserve.map((r) => need<ReservePlugin>(r.name, 'reserve', 'Reserve'));
    this.permits = pl.permit.map((r) => need<PermitPlugin>(r.name, 'permit', 'Permit'));
    this.preBinds = pl.preBind.map((r) => need<PreBindPlugin>(r.name, 'preBind', 'PreBind'));
    this.binds = pl.bind.map((r) => need<BindPlugin>(r.name, 'bind', 'Bind'));
    // 3. multiPoint: every point the plugin implements, unless already listed
    for (const r of profile.multiPoint) {
      const p = inst(r.name);
      const add = <T>(list: T[], ok: boolean) => { if (ok && !list.includes(p as T)) list.push(p as T); };
      if (p.less && qs.length === 0) qs.push(p as QueueSortPlugin);
      add(this.preFilters, !!p.preFilter);
      add(this.filters, !!p.filter);
      add(this.postFilters, !!p.postFilter);
      add(this.preScores, !!p.preScore);
      if (p.score && !this.scores.some((w) => w.plugin === p)) this.scores.push({ plugin: p as ScorePlugin, weight: r.weight ?? 1 });
      add(this.reserves, !!p.reserve);
      add(this.permits, !!p.permit);
      add(this.preBinds, !!p.preBind);
      add(this.binds, !!p.bind);
    }
    if (qs.length > 1) throw new Error('only one QueueSort plugin may be enabled');
    this.queueSortPlugin = qs[0];
  }

  snapshot(): Snapshot { return this.deps.snapshot(); }
  nominatedPodsForNode(nodeName: string): PodInfo[] { return this.deps.nominatedPodsForNode?.(nodeName) ?? []; }
  podDisruptionBudgets(): PodDisruptionBudget[] { return this.deps.podDisruptionBudgets?.() ?? []; }
  getWaitingPod(uid: string): WaitingPodHandle | undefined { return this.waiting.get(uid); }
  iterateOverWaitingPods(f: (wp: WaitingPodHandle) => void): void { this.waiting.forEach(f); }
  rejectWaitingPod(uid: string): boolean {
    const wp = this.waiting.get(uid);
    wp?.reject('', 'removed');
    return !!wp;
  }
  plugin(name: string): AnyPlugin | undefined { return this.instances.get(name); }
  hasPostFilter(): boolean { return this.postFilters.length > 0; }

  /** Contract: runs PreFilter; a rejection ends the cycle; results intersect into an allowed node set. */
  runPreFilterPlugins(state: CycleState, pod: Pod, pi: PodInfo): { status: Status; nodeNames?: Set<string>; plugin?: string } {
    let allowed: Set<string> | undefined;
    for (const p of this.preFilters) {
      const { status, result } = p.preFilter(state, pod, pi);
      if (status.isSkip()) { state.skipFilter.add(p.name); continue; }
      if (!status.isSuccess()) return { status: status.withPlugin(p.name), plugin: p.name };
      if (result?.nodeNames) allowed = allowed ? new Set([...allowed].filter((n) => result.nodeNames!.has(n))) : new Set(result.nodeNames);
    }
    return { status: Status.OK, nodeNames: allowed };
  }

  /** Contract: runs Filter plugins in order; the first failure is the node's status. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo, pi?: PodInfo): Status {
    const info = pi ?? podInfoOf(pod);
    for (const p of this.filters) {
      if (state.skipFilter.has(p.name)) continue;
      const st = p.filter(state, pod, info, nodeInfo);
      if (!st.isSuccess()) return st.withPlugin(p.name);
    }
    return Status.OK;
  }

  /**
   * Contract: filters with nominated pods of equal or higher priority taken into account (upstream
   * runFilterPluginsWithNominatedPods): the pod must fit both with and without them.
   */
  runFilterWithNominatedPods(state: CycleState, pod: Pod, pi: PodInfo, nodeInfo: NodeInfo): Status {
    const nominated = this.nominatedPodsForNode(nodeInfo.name).filter((n) => n.key !== pi.key && podPriority(n.pod) >= podPriority(pod));
    if (nominated.length > 0) {
      const st2 = state.clone();
      const ni2 = nodeInfo.clone();
      for (const n of nominated) {
        ni2.addPod(n);
        this.runPreFilterExtensionAddPod(st2, pod, n, ni2);
      }
      const s = this.runFilterPlugins(st2, pod, ni2, pi);
      if (!s.isSuccess()) return s;
    }
    return this.runFilterPlugins(state, pod, nodeInfo, pi);
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status {
    for (const p of this.preFilters) {
      if (state.skipFilter.has(p.name) || !p.preFilterExtensions) continue;
      const st = p.preFilterExtensions.addPod(state, pod, toAdd, nodeInfo);
      if (!st.isSuccess()) return st.withPlugin(p.name);
    }
    return Status.OK;
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status {
    for (const p of this.preFilters) {
      if (state.skipFilter.has(p.name) || !p.preFilterExtensions) continue;
      const st = p.preFilterExtensions.removePod(state, pod, toRemove, nodeInfo);
      if (!st.isSuccess()) return st.withPlugin(p.name);
    }
    return Status.OK;
  }

  /**
   * Contract: finds feasible nodes, visiting nodes round-robin from where the last cycle stopped and
   * stopping once `numFeasibleNodesToFind` are found (upstream findNodesThatPassFilters).
   * Steps: 1. PreFilter (a rejection marks every node); 2. filter the sample; 3. record statuses.
   */
  findNodesThatFit(state: CycleState, pod: Pod, pi: PodInfo, snap: Snapshot): FilterOutcome {
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
    const all = snap.list();
    // 1. PreFilter
    const pre = this.runPreFilterPlugins(state, pod, pi);
    if (!pre.status.isSuccess()) {
      if (pre.status.code === Code.Error) throw new Error(`prefilter ${pre.plugin}: ${pre.status.message()}`);
      diagnosis.preFilterMsg = pre.status.message();
      for (const n of all) diagnosis.nodeToStatus.set(n.name, pre.status);
      if (pre.plugin) diagnosis.unschedulablePlugins.add(pre.plugin);
      return { feasible: [], diagnosis, evaluated: 0 };
    }
    let nodes = all;
    if (pre.nodeNames) {
      nodes = [];
      for (const n of pre.nodeNames) { const ni = snap.get(n); if (ni) nodes.push(ni); }
    }
    // 2. filter a round-robin sample
    const numAll = nodes.length;
    const want = numFeasibleNodesToFind(numAll, this.profile.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    if (numAll === 0) return { feasible, diagnosis, evaluated: 0 };
    const start = pre.nodeNames ? 0 : this.nextStartNodeIndex % numAll;
    let processed = 0;
    for (; processed < numAll && feasible.length < want; processed++) {
      const ni = nodes[(start + processed) % numAll]!;
      const st = this.runFilterWithNominatedPods(state, pod, pi, ni);
      if (st.isSuccess()) feasible.push(ni);
      else if (st.code === Code.Error) throw new Error(`filter ${st.plugin} on ${ni.name}: ${st.message()}`);
      else {
        // 3. record
        diagnosis.nodeToStatus.set(ni.name, st);
        if (st.plugin) diagnosis.unschedulablePlugins.add(st.plugin);
      }
    }
    if (!pre.nodeNames) this.nextStartNodeIndex = (start + processed) % numAll;
    if (pre.nodeNames && pre.nodeNames.size < all.length) {
      // Nodes excluded by PreFilter count as unresolvable for the message and for preemption.
      for (const n of all) if (!pre.nodeNames.has(n.name)) diagnosis.nodeToStatus.set(n.name, Status.unresolvable("node(s) didn't satisfy plugin(s) [" + (pre.plugin ?? 'PreFilter') + ']'));
    }
    return { feasible, diagnosis, evaluated: processed };
  }

  /** Contract: runs PostFilter plugins until one returns Success (e.g. preemption nominated a node). */
  async runPostFilterPlugins(state: CycleState, pod: Pod, statuses: Map<string, Status>): Promise<{ status: Status; result?: PostFilterResult }> {
    const msgs: string[] = [];
    for (const p of this.postFilters) {
      const out = await p.postFilter(state, pod, statuses);
      if (out.status.isSuccess()) return out;
      if (out.status.code === Code.Error) return { status: out.status.withPlugin(p.name) };
      if (out.status.reasons.length) msgs.push(out.status.message());
    }
    return { status: Status.unschedulable(...msgs) };
  }

  /**
   * Contract: scores feasible nodes: PreScore, then each Score plugin (normalised, times weight), summed.
   * Returns one entry per node in `nodes` order.
   */
  prioritize(state: CycleState, pod: Pod, pi: PodInfo, nodes: NodeInfo[]): NodeScore[] {
    const total: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    if (this.scores.length === 0) return total;
    for (const p of this.preScores) {
      const st = p.preScore(state, pod, pi, nodes);
      if (st.isSkip()) state.skipScore.add(p.name);
      else if (!st.isSuccess()) throw new Error(`prescore ${p.name}: ${st.message()}`);
    }
    for (const { plugin, weight } of this.scores) {
      if (state.skipScore.has(plugin.name)) continue;
      const s: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, pi, n) }));
      plugin.normalizeScore?.(state, pod, s);
      for (let i = 0; i < s.length; i++) {
        const v = s[i]!.score;
        if (v > MAX_NODE_SCORE || v < 0) throw new Error(`plugin ${plugin.name} returned invalid score ${v} for ${s[i]!.name}`);
        total[i]!.score += v * weight;
      }
    }
    return total;
  }

  /** Contract: the highest score, ties broken uniformly at random (reservoir sampling). */
  selectHost(scores: NodeScore[]): string {
    if (scores.length === 0) throw new Error('empty priority list');
    let best = scores[0]!;
    let ties = 1;
    for (let i = 1; i < scores.length; i++) {
      const s = scores[i]!;
      if (s.score > best.score) { best = s; ties = 1; }
      else if (s.score === best.score) { ties++; if (this.random() * ties < 1) best = s; }
    }
    return best.name;
  }

  /** Contract: runs Reserve in order; on failure runs Unreserve on all (reverse) and returns the failure. */
  runReservePlugins(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const p of this.reserves) {
      const st = p.reserve(state, pod, nodeName);
      if (!st.isSuccess()) { this.runUnreservePlugins(state, pod, nodeName); return st.withPlugin(p.name); }
    }
    return Status.OK;
  }

  runUnreservePlugins(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.reserves.length - 1; i >= 0; i--) this.reserves[i]!.unreserve(state, pod, nodeName);
  }

  /**
   * Contract: Success, a rejection, or Wait. On Wait the pod is registered as waiting (by UID) with
   * one timer per waiting plugin (capped at 15 minutes); `waitOnPermit` then yields the outcome.
   */
  runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): { status: Status } {
    const timeouts = new Map<string, number>();
    for (const p of this.permits) {
      const { status, timeoutMs: t } = p.permit(state, pod, nodeName);
      if (status.code === Code.Wait) { timeouts.set(p.name, Math.max(0, Math.min(t ?? 0, 15 * 60_000))); continue; }
      if (!status.isSuccess()) return { status: status.withPlugin(p.name) };
    }
    if (timeouts.size === 0) return { status: Status.OK };
    this.waiting.add(waitKey(pod), new WaitingPod(pod, timeouts, this.clock));
    return { status: new Status(Code.Wait) };
  }

  /** Contract: Success at once unless the pod waits; then the waiting pod's outcome (it is removed). */
  async waitOnPermit(pod: Pod): Promise<Status> {
    const wp = this.waiting.get(waitKey(pod));
    if (!wp) return Status.OK;
    try {
      return await wp.result;
    } finally {
      this.waiting.remove(waitKey(pod));
    }
  }

  async runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const p of this.preBinds) {
      const st = await p.preBind(state, pod, nodeName);
      if (!st.isSuccess()) return st.withPlugin(p.name);
    }
    return Status.OK;
  }

  /** Contract: the first Bind plugin that does not Skip decides. */
  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const p of this.binds) {
      const st = await p.bind(state, pod, nodeName);
      if (st.isSkip()) continue;
      return st.isSuccess() ? st : st.withPlugin(p.name);
    }
    return Status.error('no bind plugin bound the pod');
  }
}

const waitKey = (pod: Pod): string => pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;

/** PodInfo for a pod object, memoised per object identity (pod objects are never mutated in place). */
const infoCache = new WeakMap<Pod, PodInfo>();
export function podInfoOf(pod: Pod): PodInfo {
  let pi = infoCache.get(pod);
  if (!pi) infoCache.set(pod, (pi = newPodInfo(pod)));
  return pi;
}
