// InterPodAffinity: required pod affinity/anti-affinity (incoming and existing pods' terms) as a filter,
// preferred terms as a score, all per topology domain.
import type { Pod } from '../../api/types/core.js';
import { MAX_NODE_SCORE, Status, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { termMatches, type AffinityTerm, type NamespaceLabels, type PodInfo } from '../framework/pod-info.js';
import { LayeredCounts } from './helpers/layered-counts.js';
import { MatchCache } from './helpers/match-cache.js';
import { TopologyIndex } from './helpers/topology-index.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const PRE_FILTER_KEY = 'PreFilter' + INTER_POD_AFFINITY;
const PRE_SCORE_KEY = 'PreScore' + INTER_POD_AFFINITY;

/** Per-cycle counts; their shared layers are the TopologyIndex's maps, valid for this cycle only. */
class PreFilterState implements StateData {
  constructor(public existingAnti: LayeredCounts, public affinity: LayeredCounts, public anti: LayeredCounts, public pi: PodInfo, public ns: NamespaceLabels) {}
  clone(): PreFilterState { return new PreFilterState(this.existingAnti.clone(), this.affinity.clone(), this.anti.clone(), this.pi, this.ns); }
}

class PreScoreState implements StateData {
  constructor(public topologyScore: Map<string, number>) {}
  clone(): PreScoreState { return this; }
}

const labelOf = (ni: NodeInfo, key: string): string | undefined => ni.node?.metadata.labels?.[key];
const pairOf = (ni: NodeInfo, key: string): string | undefined => {
  const v = labelOf(ni, key);
  return v === undefined ? undefined : `${key}=${v}`;
};

/** Existing pod's required anti-affinity terms that match the incoming pod → counts on its node's domains. */
function addExistingAnti(c: LayeredCounts, existing: PodInfo, incoming: Pod, ni: NodeInfo, sign: number, ns: NamespaceLabels): void {
  for (const t of existing.requiredAntiAffinity) {
    if (!termMatches(t, incoming, ns)) continue;
    const v = labelOf(ni, t.topologyKey);
    if (v !== undefined) c.add(t.topologyKey, v, sign);
  }
}

/** Incoming pod's terms vs an existing pod: affinity counts only when every affinity term matches. */
function addIncoming(st: { affinity: LayeredCounts; anti: LayeredCounts; ns: NamespaceLabels }, pi: PodInfo, existing: Pod, ni: NodeInfo, sign: number): void {
  if (pi.requiredAffinity.length && pi.requiredAffinity.every((t) => termMatches(t, existing, st.ns))) {
    for (const t of pi.requiredAffinity) { const v = labelOf(ni, t.topologyKey); if (v !== undefined) st.affinity.add(t.topologyKey, v, sign); }
  }
  for (const t of pi.requiredAntiAffinity) {
    if (!termMatches(t, existing, st.ns)) continue;
    const v = labelOf(ni, t.topologyKey);
    if (v !== undefined) st.anti.add(t.topologyKey, v, sign);
  }
}

const terminating = (p: Pod): boolean => !!p.metadata.deletionTimestamp;

function scoreTerms(terms: AffinityTerm[], target: Pod, ni: NodeInfo, sign: number, out: Map<string, number>, ns: NamespaceLabels): void {
  for (const t of terms) {
    if (!termMatches(t, target, ns)) continue;
    const p = pairOf(ni, t.topologyKey);
    if (p) out.set(p, (out.get(p) ?? 0) + sign * t.weight);
  }
}

/** Contract: PreFilter (+AddPod/RemovePod) + Filter + PreScore + Score (min-max normalised). */
export function newInterPodAffinity(_args: unknown, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const cache = new MatchCache();
  const index = new TopologyIndex();
  return {
    name: INTER_POD_AFFINITY,
    preFilter: (state, pod, pi) => {
      const snap = handle.snapshot();
      const ns: NamespaceLabels = (n) => snap.namespaceLabels(n);
      cache.sync(snap.namespaceGeneration());
      const st = new PreFilterState(new LayeredCounts(), new LayeredCounts(), new LayeredCounts(), pi, ns);
      // 1. existing pods' anti-affinity terms that select the incoming pod (indexed across cycles by
      //    the incoming pod's namespace and labels, which decide every such match)
      const existing = index.counts(snap, 'existing:' + pi.labelsKey, (ni) => {
        let out: Map<string, number> | undefined;
        for (const e of ni.podsWithRequiredAntiAffinity) {
          if (terminating(e.pod)) continue;
          for (const t of e.requiredAntiAffinity) {
            if (!cache.matches(t.sig, pi.labelsKey, () => termMatches(t, pod, ns))) continue;
            (out ??= new Map()).set(t.topologyKey, (out.get(t.topologyKey) ?? 0) + 1);
          }
        }
        return out;
      });
      for (const [tk, vs] of existing) st.existingAnti.addShared(tk, vs);
      // 2. the incoming pod's terms: matching pods per topology value (indexed across cycles)
      const one = (tk: string, n: number) => (n ? new Map([[tk, n]]) : undefined);
      if (pi.requiredAffinity.length) {
        const allSig = 'all:' + pi.requiredAffinity.map((t) => t.sig).join('&');
        const keys = [...new Set(pi.requiredAffinity.map((t) => t.topologyKey))];
        for (const tk of keys) {
          const countAll = (ni: NodeInfo) => one(tk, cache.count(ni, allSig, ni.pods, (e) => pi.requiredAffinity.every((t) => termMatches(t, e.pod, ns))));
          const c = index.counts(snap, `${allSig}\u0000${tk}`, countAll).get(tk);
          // every term adds the node's count under its own key (terms sharing a key add twice, as before)
          if (c) for (const t of pi.requiredAffinity) if (t.topologyKey === tk) st.affinity.addShared(tk, c);
        }
      }
      for (const t of pi.requiredAntiAffinity) {
        const c = index.counts(snap, `${t.sig}\u0000${t.topologyKey}`, (ni) => one(t.topologyKey, cache.count(ni, t.sig, ni.pods, (e) => termMatches(t, e.pod, ns)))).get(t.topologyKey);
        if (c) st.anti.addShared(t.topologyKey, c);
      }
      state.write(PRE_FILTER_KEY, st);
      return { status: Status.OK };
    },
    preFilterExtensions: {
      addPod: (state, pod, toAdd, ni) => {
        const st = state.read<PreFilterState>(PRE_FILTER_KEY);
        if (st) { addExistingAnti(st.existingAnti, toAdd, pod, ni, 1, st.ns); addIncoming(st, st.pi, toAdd.pod, ni, 1); }
        return Status.OK;
      },
      removePod: (state, pod, toRemove, ni) => {
        const st = state.read<PreFilterState>(PRE_FILTER_KEY);
        if (st) { addExistingAnti(st.existingAnti, toRemove, pod, ni, -1, st.ns); addIncoming(st, st.pi, toRemove.pod, ni, -1); }
        return Status.OK;
      },
    },
    filter: (state, pod, pi, ni) => {
      const st = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!st) return Status.error('InterPodAffinity: no prefilter state');
      // affinity: every term's domain on this node must hold a matching pod, unless no pod matches
      // anywhere and the pod matches its own terms (the first pod of a group).
      if (pi.requiredAffinity.length) {
        let ok = true;
        for (const t of pi.requiredAffinity) {
          if (st.affinity.get(t.topologyKey, labelOf(ni, t.topologyKey)) <= 0) { ok = false; break; }
        }
        if (!ok) {
          const selfMatch = st.affinity.isEmpty() && pi.requiredAffinity.every((t) => termMatches(t, pod, st.ns) && labelOf(ni, t.topologyKey) !== undefined);
          if (!selfMatch) return Status.unresolvable(ERR_REASON_AFFINITY);
        }
      }
      for (const t of pi.requiredAntiAffinity) {
        if (st.anti.get(t.topologyKey, labelOf(ni, t.topologyKey)) > 0) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
      }
      if (!st.existingAnti.isEmpty()) {
        for (const k of st.existingAnti.keys()) if (st.existingAnti.get(k, labelOf(ni, k)) > 0) return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      }
      return Status.OK;
    },
    preScore: (state, pod, pi) => {
      const snap = handle.snapshot();
      const ns: NamespaceLabels = (n) => snap.namespaceLabels(n);
      const hasPreferred = pi.preferredAffinity.length > 0 || pi.preferredAntiAffinity.length > 0;
      const out = new Map<string, number>();
      if (!hasPreferred) {
        // Only existing pods' terms about the incoming pod count: their sums per topology value depend
        // on the incoming pod's namespace and labels alone, so they are indexed across cycles. (Zero
        // sums are dropped; an all-zero map scores every node alike, as skipping does.)
        const sums = index.counts(snap, 'score:' + pi.labelsKey, (ni) => {
          let m: Map<string, number> | undefined;
          const add = (terms: AffinityTerm[], sign: number) => {
            for (const t of terms) if (termMatches(t, pod, ns)) (m ??= new Map()).set(t.topologyKey, (m.get(t.topologyKey) ?? 0) + sign * t.weight);
          };
          for (const e of ni.podsWithAffinity) {
            if (terminating(e.pod)) continue;
            add(e.preferredAffinity, 1);
            add(e.requiredAffinity, 1);
            add(e.preferredAntiAffinity, -1);
          }
          return m;
        });
        for (const [tk, vs] of sums) for (const [v, n] of vs) out.set(`${tk}=${v}`, n);
        if (out.size === 0) return Status.SKIP;
        state.write(PRE_SCORE_KEY, new PreScoreState(out));
        return Status.OK;
      }
      for (const ni of snap.list()) {
        for (const e of ni.pods) {
          if (terminating(e.pod)) continue;
          // incoming pod's preferences about the existing pod
          scoreTerms(pi.preferredAffinity, e.pod, ni, 1, out, ns);
          scoreTerms(pi.preferredAntiAffinity, e.pod, ni, -1, out, ns);
          // existing pod's preferences (and required affinity, hard weight 1) about the incoming pod
          scoreTerms(e.preferredAffinity, pod, ni, 1, out, ns);
          scoreTerms(e.requiredAffinity, pod, ni, 1, out, ns);
          scoreTerms(e.preferredAntiAffinity, pod, ni, -1, out, ns);
        }
      }
      if (out.size === 0) return Status.SKIP;
      state.write(PRE_SCORE_KEY, new PreScoreState(out));
      return Status.OK;
    },
    score: (state, _pod, _pi, ni) => {
      const st = state.read<PreScoreState>(PRE_SCORE_KEY);
      if (!st) return 0;
      let s = 0;
      for (const [k, v] of Object.entries(ni.node?.metadata.labels ?? {})) s += st.topologyScore.get(`${k}=${v}`) ?? 0;
      return s;
    },
    normalizeScore: (_s, _p, scores) => {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) { min = Math.min(min, s.score); max = Math.max(max, s.score); }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.floor((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
    },
  };
}
