// The per-cycle snapshot: cloned NodeInfos refreshed incrementally from the cache.
import type { Snapshot } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';

/** Contract: read-only to plugins; only `SchedulerCache.updateSnapshot` mutates it, between cycles. */
export class ClusterSnapshot implements Snapshot {
  nodeInfoMap = new Map<string, NodeInfo>();
  nodeList: NodeInfo[] = [];
  /** Position of each node in `nodeList`. */
  nodeIndex = new Map<string, number>();
  /** Nodes with affinity pods, computed on first use after a change (undefined = stale). */
  withAffinity: NodeInfo[] | undefined;
  withRequiredAnti: NodeInfo[] | undefined;
  imageCounts = new Map<string, number>();
  /** Highest cache generation reflected here. */
  generation = 0;
  /** Namespace labels by name, kept by the scheduler's namespace informer. */
  namespaces = new Map<string, Record<string, string>>();
  nsGeneration = 0;
  private ver = 0;
  /** Recent refreshes: the version each produced and the nodes it replaced (null: node set changed). */
  private log: { version: number; names: string[] | null }[] = [];

  list(): NodeInfo[] { return this.nodeList; }
  get(nodeName: string): NodeInfo | undefined { return this.nodeInfoMap.get(nodeName); }
  havePodsWithAffinity(): NodeInfo[] { return (this.withAffinity ??= this.nodeList.filter((n) => n.podsWithAffinity.length > 0)); }
  havePodsWithRequiredAntiAffinity(): NodeInfo[] { return (this.withRequiredAnti ??= this.nodeList.filter((n) => n.podsWithRequiredAntiAffinity.length > 0)); }
  imageNumNodes(image: string): number { return this.imageCounts.get(image) ?? 0; }
  numNodes(): number { return this.nodeList.length; }
  version(): number { return this.ver; }
  changedSince(version: number): string[] | undefined {
    if (version === this.ver) return [];
    if (version > this.ver || this.log.length === 0 || this.log[0]!.version > version + 1) return undefined;
    const out: string[] = [];
    for (const e of this.log) {
      if (e.version <= version) continue;
      if (!e.names) return undefined;
      for (const n of e.names) out.push(n);
    }
    return out;
  }
  /** Called by the cache after a refresh that replaced `names` (and maybe changed the node set). */
  recordChange(names: string[], nodeSetChanged: boolean): void {
    this.ver++;
    this.log.push({ version: this.ver, names: nodeSetChanged ? null : names });
    if (this.log.length > 256) this.log.splice(0, this.log.length - 256);
  }
  namespaceLabels(namespace: string): Record<string, string> | undefined { return this.namespaces.get(namespace); }
  namespaceGeneration(): number { return this.nsGeneration; }
  /** Records a namespace's labels (undefined = deleted). */
  setNamespace(name: string, labels: Record<string, string> | undefined): void {
    const cur = this.namespaces.get(name);
    if (labels === undefined) { if (cur) { this.namespaces.delete(name); this.nsGeneration++; } return; }
    if (cur && JSON.stringify(cur) === JSON.stringify(labels)) return;
    this.namespaces.set(name, labels);
    this.nsGeneration++;
  }
}

/** Builds a snapshot from NodeInfos (tests and benchmarks). */
export function snapshotOf(nodes: NodeInfo[]): ClusterSnapshot {
  const s = new ClusterSnapshot();
  for (const n of nodes) {
    s.nodeInfoMap.set(n.name, n);
    s.nodeList.push(n);
    for (const img of n.images.keys()) s.imageCounts.set(img, (s.imageCounts.get(img) ?? 0) + 1);
  }
  return s;
}
