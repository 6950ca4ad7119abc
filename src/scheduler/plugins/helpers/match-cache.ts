// Memoised selector matching for the pod-counting plugins (InterPodAffinity, PodTopologySpread).
// Pods with the same namespace and labels match every selector alike, and snapshot NodeInfos are
// immutable (a changed node gets a new clone), so per-node counts can be kept across cycles.
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';

const MAX_MEMO = 100_000;

/** Contract: `matches`/`count` give the same answers as evaluating `match` directly. */
export class MatchCache {
  private memo = new Map<string, Map<string, boolean>>();
  private memoSize = 0;
  private perNode = new WeakMap<NodeInfo, Map<string, number>>();
  private generation = 0;

  /** Drops every memoised answer when the namespace labels' generation moved (namespace selectors). */
  sync(generation: number): void {
    if (generation === this.generation) return;
    this.generation = generation;
    this.memo.clear();
    this.memoSize = 0;
    this.perNode = new WeakMap();
  }

  /** Does the selector identified by `sig` select a pod with this labelsKey? */
  matches(sig: string, labelsKey: string, match: () => boolean): boolean {
    let m = this.memo.get(sig);
    if (!m) {
      if (this.memoSize > MAX_MEMO) { this.memo.clear(); this.memoSize = 0; }
      this.memo.set(sig, (m = new Map()));
    }
    let v = m.get(labelsKey);
    if (v === undefined) { v = match(); m.set(labelsKey, v); this.memoSize++; }
    return v;
  }

  /** How many non-terminating `pods` (of node `ni`) the selector `sig` selects (cached per node clone and sig). */
  count(ni: NodeInfo, sig: string, pods: PodInfo[], match: (p: PodInfo) => boolean): number {
    let m = this.perNode.get(ni);
    if (!m) this.perNode.set(ni, (m = new Map()));
    let n = m.get(sig);
    if (n === undefined) {
      n = 0;
      for (const p of pods) if (!p.pod.metadata.deletionTimestamp && this.matches(sig, p.labelsKey, () => match(p))) n++;
      m.set(sig, n);
    }
    return n;
  }
}
