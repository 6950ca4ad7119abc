// PodTopologySpread: keeps matching pods spread across topology domains within maxSkew
// (DoNotSchedule filters, ScheduleAnyway scores); system default constraints when the pod has none.
import type { Pod, TopologySpreadConstraint } from '../../api/types/core.js';
import { MAX_NODE_SCORE, Status, type FilterPlugin, type Handle, type PluginArgs, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { labelSelectorMatcher, type LabelMatcher } from '../../api/labels.js';
import { MatchCache } from './helpers/match-cache.js';
import { podMatchesNodeSelectorAndAffinity } from './node-affinity.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

/** Upstream system defaults (ScheduleAnyway; hostname skew 3, zone skew 5). */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

/** A constraint with its selector compiled. */
interface Compiled { sig: string; maxSkew: number; key: string; minDomains: number; selector: LabelMatcher; honorAffinity: boolean; honorTaints: boolean }

const PRE_FILTER_KEY = 'PreFilter' + POD_TOPOLOGY_SPREAD;
const PRE_SCORE_KEY = 'PreScore' + POD_TOPOLOGY_SPREAD;

/**
 * Compiles the pod's constraints of one kind. With none given and `defaults`, the default constraints
 * select pods of the same controller (upstream derives the selector from the owning Service/ReplicaSet;
 * pods of one controller share its labels, so the owner's labels on this pod stand in for that).
 */
function compile(pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway', defaults: TopologySpreadConstraint[] | undefined): Compiled[] {
  const own = pod.spec.topologySpreadConstraints;
  const labels = pod.metadata.labels ?? {};
  if (own?.length) {
    return own.filter((c) => c.whenUnsatisfiable === when).map((c) => {
      const ls = { matchLabels: { ...(c.labelSelector?.matchLabels ?? {}) }, matchExpressions: [...(c.labelSelector?.matchExpressions ?? [])] };
      for (const k of c.matchLabelKeys ?? []) if (k in labels) ls.matchLabels[k] = labels[k]!;
      return {
        sig: JSON.stringify(c.labelSelector ? ls : null),
        maxSkew: c.maxSkew, key: c.topologyKey, minDomains: c.minDomains ?? 1,
        selector: labelSelectorMatcher(c.labelSelector ? ls : undefined),
        honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor', honorTaints: c.nodeTaintsPolicy === 'Honor',
      };
    });
  }
  if (!defaults || when !== 'ScheduleAnyway') return [];
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (!owner || Object.keys(labels).length === 0) return [];
  const selector = labelSelectorMatcher({ matchLabels: labels });
  const sig = JSON.stringify({ matchLabels: labels });
  return defaults.filter((c) => c.whenUnsatisfiable === when).map((c) => ({ sig, maxSkew: c.maxSkew, key: c.topologyKey, minDomains: 1, selector, honorAffinity: true, honorTaints: false }));
}

const hasKeys = (ni: NodeInfo, cs: Compiled[]): boolean => cs.every((c) => ni.node?.metadata.labels?.[c.key] !== undefined);
const eligible = (pod: Pod, ni: NodeInfo, cs: Compiled[]): boolean =>
  !!ni.node && hasKeys(ni, cs) && (!cs.some((c) => c.honorAffinity) || podMatchesNodeSelectorAndAffinity(pod, ni.node));

/** Non-terminating pods of namespace `ns` on the node that the constraint selects (memoised per node clone). */
function countOn(cache: MatchCache, key: string, ni: NodeInfo, c: Compiled, ns: string | undefined): number {
  return cache.count(ni, key, ni.pods, (e) => e.pod.metadata.namespace === ns && c.selector.matches(e.pod.metadata.labels));
}

class FilterState implements StateData {
  constructor(public cs: Compiled[], public counts: Map<string, number>[], public ns: string | undefined) {}
  clone(): FilterState { return new FilterState(this.cs, this.counts.map((m) => new Map(m)), this.ns); }
  min(i: number): number {
    const m = this.counts[i]!;
    if (m.size < this.cs[i]!.minDomains) return 0;
    let v = Infinity;
    for (const x of m.values()) v = Math.min(v, x);
    return v === Infinity ? 0 : v;
  }
  update(pod: Pod, other: PodInfo, ni: NodeInfo, sign: number): void {
    if (other.pod.metadata.namespace !== this.ns || !eligible(pod, ni, this.cs)) return;
    this.cs.forEach((c, i) => {
      if (!c.selector.matches(other.pod.metadata.labels)) return;
      const v = ni.node!.metadata.labels![c.key]!;
      const m = this.counts[i]!;
      m.set(v, (m.get(v) ?? 0) + sign);
    });
  }
}

class ScoreState implements StateData {
  constructor(public cs: Compiled[], public counts: Map<string, number>[], public weights: number[]) {}
  clone(): ScoreState { return this; }
}

/** Contract: PreFilter (+AddPod/RemovePod) + Filter + PreScore + Score. Args: `defaultingType: System|List`, `defaultConstraints`. */
export function newPodTopologySpread(args: PluginArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const cache = new MatchCache();
  const defaults = args.defaultingType === 'List' ? ((args.defaultConstraints as TopologySpreadConstraint[] | undefined) ?? []) : SYSTEM_DEFAULT_CONSTRAINTS;
  return {
    name: POD_TOPOLOGY_SPREAD,
    // 1. hard constraints; 2. per-domain counts over eligible nodes.
    preFilter: (state, pod) => {
      const cs = compile(pod, 'DoNotSchedule', undefined);
      if (cs.length === 0) return { status: Status.SKIP };
      const st = new FilterState(cs, cs.map(() => new Map()), pod.metadata.namespace);
      const keys = cs.map((c) => `${c.sig}|${st.ns ?? ''}`);
      for (const ni of handle.snapshot().list()) {
        if (!eligible(pod, ni, cs)) continue;
        cs.forEach((c, i) => {
          const v = ni.node!.metadata.labels![c.key]!;
          const m = st.counts[i]!;
          m.set(v, (m.get(v) ?? 0) + countOn(cache, keys[i]!, ni, c, st.ns));
        });
      }
      state.write(PRE_FILTER_KEY, st);
      return { status: Status.OK };
    },
    preFilterExtensions: {
      addPod: (state, pod, toAdd, ni) => { state.read<FilterState>(PRE_FILTER_KEY)?.update(pod, toAdd, ni, 1); return Status.OK; },
      removePod: (state, pod, toRemove, ni) => { state.read<FilterState>(PRE_FILTER_KEY)?.update(pod, toRemove, ni, -1); return Status.OK; },
    },
    filter: (state, pod, _pi, ni) => {
      const st = state.read<FilterState>(PRE_FILTER_KEY);
      if (!st) return Status.OK;
      for (let i = 0; i < st.cs.length; i++) {
        const c = st.cs[i]!;
        const v = ni.node?.metadata.labels?.[c.key];
        if (v === undefined) return Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const self = c.selector.matches(pod.metadata.labels) ? 1 : 0;
        const skew = (st.counts[i]!.get(v) ?? 0) + self - st.min(i);
        if (skew > c.maxSkew) return Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return Status.OK;
    },
    // Soft constraints: counts over all eligible nodes; weight log(domains + 2) as upstream.
    preScore: (state, pod, _pi, nodes) => {
      const cs = compile(pod, 'ScheduleAnyway', defaults);
      if (cs.length === 0) return Status.SKIP;
      const counts = cs.map(() => new Map<string, number>());
      const domains = cs.map(() => new Set<string>());
      for (const ni of nodes) cs.forEach((c, i) => { const v = ni.node?.metadata.labels?.[c.key]; if (v !== undefined) domains[i]!.add(v); });
      const keys = cs.map((c) => `${c.sig}|${pod.metadata.namespace ?? ''}`);
      for (const ni of handle.snapshot().list()) {
        if (!ni.node) continue;
        cs.forEach((c, i) => {
          const v = ni.node!.metadata.labels?.[c.key];
          if (v === undefined || !domains[i]!.has(v)) return;
          counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countOn(cache, keys[i]!, ni, c, pod.metadata.namespace));
        });
      }
      state.write(PRE_SCORE_KEY, new ScoreState(cs, counts, domains.map((d) => Math.log(d.size + 2))));
      return Status.OK;
    },
    score: (state, _pod, _pi, ni) => {
      const st = state.read<ScoreState>(PRE_SCORE_KEY);
      if (!st) return 0;
      let s = 0;
      for (let i = 0; i < st.cs.length; i++) {
        const v = ni.node?.metadata.labels?.[st.cs[i]!.key];
        if (v === undefined) continue;
        s += (st.counts[i]!.get(v) ?? 0) * st.weights[i]! + (st.cs[i]!.maxSkew - 1);
      }
      return Math.round(s);
    },
    // Fewer matching pods is better: (max + min - s) / max, as upstream.
    normalizeScore: (_s, _p, scores) => {
      let min = Infinity;
      let max = 0;
      for (const s of scores) { min = Math.min(min, s.score); max = Math.max(max, s.score); }
      for (const s of scores) s.score = max === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max + min - s.score)) / max);
    },
  };
}
