// Matching-pod counts per topology value, kept across scheduling cycles: after the first cycle only
// the nodes the snapshot replaced since are recounted (typically the one node of the last decision),
// instead of visiting every node each cycle.
import type { Snapshot } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';

interface Agg {
  snap: Snapshot;
  version: number;
  nsGeneration: number;
  /** node → what it contributed: [topologyKey, value, n] triples. */
  perNode: Map<string, [string, string, number][]>;
  /** topologyKey → value → count. */
  counts: Map<string, Map<string, number>>;
}

function bump(counts: Map<string, Map<string, number>>, key: string, value: string, n: number): void {
  let vs = counts.get(key);
  if (!vs) counts.set(key, (vs = new Map()));
  const left = (vs.get(value) ?? 0) + n;
  if (left === 0) vs.delete(value);
  else vs.set(value, left);
}

const MAX_AGGS = 4096;

/**
 * Contract: `counts(...)` equals, over `snap.list()`, the sum of each node's `countOn(ni)` (topology
 * key → matching pods) filed under the node's label value for that key.
 */
export class TopologyIndex {
  private aggs = new Map<string, Agg>();

  /**
   * Counts for what `sig` identifies (`countOn` must depend only on `sig`, the node's pods and
   * namespace labels). The returned maps are shared: read them, never change them.
   * Steps: 1. find the aggregate; 2. rebuild it when its history is unknown; 3. else recount changed nodes.
   */
  counts(snap: Snapshot, sig: string, countOn: (ni: NodeInfo) => Map<string, number> | undefined): Map<string, Map<string, number>> {
    // 1.
    const key = sig;
    let agg = this.aggs.get(key);
    const changed = agg && agg.snap === snap && agg.nsGeneration === snap.namespaceGeneration() ? snap.changedSince(agg.version) : undefined;
    const visit = (a: Agg, ni: NodeInfo): void => {
      if (ni.pods.length === 0) return;
      const byKey = countOn(ni);
      if (!byKey) return;
      const contrib: [string, string, number][] = [];
      for (const [tk, n] of byKey) {
        const value = ni.node?.metadata.labels?.[tk];
        if (value === undefined || n === 0) continue;
        contrib.push([tk, value, n]);
        bump(a.counts, tk, value, n);
      }
      if (contrib.length) a.perNode.set(ni.name, contrib);
    };
    if (!agg || changed === undefined) {
      // 2.
      if (!agg && this.aggs.size >= MAX_AGGS) this.aggs.clear();
      agg = { snap, version: snap.version(), nsGeneration: snap.namespaceGeneration(), perNode: new Map(), counts: new Map() };
      this.aggs.set(key, agg);
      for (const ni of snap.list()) visit(agg, ni);
      return agg.counts;
    }
    // 3.
    for (const name of new Set(changed)) {
      const old = agg.perNode.get(name);
      if (old) {
        agg.perNode.delete(name);
        for (const [tk, value, n] of old) bump(agg.counts, tk, value, -n);
      }
      const ni = snap.get(name);
      if (ni) visit(agg, ni);
    }
    agg.version = snap.version();
    return agg.counts;
  }
}
