// Counts of matching pods per topology domain (topologyKey → value → count) for one scheduling cycle,
// layered over shared maps instead of copying them: the per-cycle state of InterPodAffinity used to
// copy the TopologyIndex's maps (one entry per node for a hostname key) and every in-flight binding
// kept its copy alive, which was most of the scheduler's heap growth under pod anti-affinity.

/**
 * Contract: the value of (key, value) is the sum over the shared layers added for `key` plus a private
 * delta changed by `add`. Shared layers are read, never written; the caller guarantees they do not
 * change while the counts are in use (they belong to a snapshot version that lasts the whole
 * scheduling cycle). `clone()` copies only the delta.
 */
export class LayeredCounts {
  private shared = new Map<string, ReadonlyMap<string, number>[]>();
  private delta = new Map<string, Map<string, number>>();
  /** Cached answer of `isEmpty` (undefined = unknown). */
  private emptyCache: boolean | undefined = true;
  private keysCache: string[] | undefined;

  /** Adds `n` to one domain's count (a count back at zero counts as absent). */
  add(key: string, value: string, n: number): void {
    let vs = this.delta.get(key);
    if (!vs) this.delta.set(key, (vs = new Map()));
    const v = (vs.get(value) ?? 0) + n;
    if (v === 0) vs.delete(value);
    else vs.set(value, v);
    if (vs.size === 0) this.delta.delete(key);
    this.emptyCache = undefined;
    this.keysCache = undefined;
  }

  /** Adds every per-value count of one topology key by reference (`counts` must stay unchanged). */
  addShared(key: string, counts: ReadonlyMap<string, number>): void {
    if (counts.size === 0) return;
    const layers = this.shared.get(key);
    if (layers) layers.push(counts);
    else this.shared.set(key, [counts]);
    this.emptyCache = undefined;
    this.keysCache = undefined;
  }

  /** The count of one domain; 0 when `value` is undefined (the node lacks the key). */
  get(key: string, value: string | undefined): number {
    if (value === undefined) return 0;
    let n = this.delta.get(key)?.get(value) ?? 0;
    const layers = this.shared.get(key);
    if (layers) for (const l of layers) n += l.get(value) ?? 0;
    return n;
  }

  /** Topology keys that may hold a non-zero count (a superset: a key's counts may sum to zero). */
  keys(): readonly string[] {
    if (!this.keysCache) {
      this.keysCache = [...this.shared.keys()];
      for (const k of this.delta.keys()) if (!this.shared.has(k)) this.keysCache.push(k);
    }
    return this.keysCache;
  }

  /** True when every domain's count is zero. */
  isEmpty(): boolean {
    if (this.emptyCache === undefined) this.emptyCache = this.computeEmpty();
    return this.emptyCache;
  }

  private computeEmpty(): boolean {
    for (const key of this.keys()) {
      const d = this.delta.get(key);
      const layers = this.shared.get(key) ?? [];
      // 1. values in the shared layers (each non-zero there) unless the delta cancels them
      for (const l of layers) for (const value of l.keys()) if (this.get(key, value) !== 0) return false;
      // 2. values only in the delta
      if (d) for (const value of d.keys()) if (this.get(key, value) !== 0) return false;
    }
    return true;
  }

  /** A copy sharing the layers; adding to either never affects the other. */
  clone(): LayeredCounts {
    const c = new LayeredCounts();
    for (const [k, ls] of this.shared) c.shared.set(k, ls.slice());
    for (const [k, vs] of this.delta) c.delta.set(k, new Map(vs));
    c.emptyCache = this.emptyCache;
    return c;
  }
}
