// The scheduler cache: node infos with bound and assumed pods, so a decision counts immediately,
// before the API round trip of the binding; feeds the per-cycle snapshot incrementally.
import type { Node, Pod } from '../../api/types/core.js';
import type { Clock } from '../../util/clock.js';
import { NodeInfo } from '../framework/node-info.js';
import { newPodInfo, type PodInfo } from '../framework/pod-info.js';
import type { ClusterSnapshot } from './snapshot.js';

interface PodState {
  pi: PodInfo;
  nodeName: string;
  assumed: boolean;
  /** Set once binding finished: an assumed pod not confirmed by then + TTL expires. */
  deadline?: number;
}

export interface CacheOptions {
  clock: Clock;
  /** How long an assumed pod whose binding finished may wait for its watch event (default 30 s). */
  assumedTtlMs?: number;
}

const keyOfPod = (p: Pod): string => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

/**
 * Contract: single-threaded (JS); pod keys are "ns/name". Nodes may exist only through their pods
 * (pods seen before their node); such entries have `node` undefined and are not in snapshots.
 */
export class SchedulerCache {
  private clock: Clock;
  private ttl: number;
  private nodes = new Map<string, NodeInfo>();
  private pods = new Map<string, PodState>();
  private generation = 0;
  private dirty = new Set<string>();
  private nodeSetChanged = true;
  private imageNodes = new Map<string, number>();
  private imagesChanged = false;

  constructor(opts: CacheOptions) {
    this.clock = opts.clock;
    this.ttl = opts.assumedTtlMs ?? 30_000;
  }

  private touch(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) { ni = new NodeInfo(); this.nodes.set(name, ni); }
    ni.generation = ++this.generation;
    this.dirty.add(name);
    return ni;
  }

  private countImages(ni: NodeInfo, sign: number): void {
    if (ni.images.size) this.imagesChanged = true;
    for (const img of ni.images.keys()) {
      const v = (this.imageNodes.get(img) ?? 0) + sign;
      if (v <= 0) this.imageNodes.delete(img);
      else this.imageNodes.set(img, v);
    }
  }

  addNode(node: Node): void {
    const name = node.metadata.name!;
    const ni = this.touch(name);
    if (ni.node) this.countImages(ni, -1);
    else this.nodeSetChanged = true;
    ni.setNode(node);
    this.countImages(ni, 1);
  }

  updateNode(node: Node): void { this.addNode(node); }

  removeNode(node: Node): void {
    const name = node.metadata.name!;
    const ni = this.nodes.get(name);
    if (!ni) return;
    if (ni.node) this.countImages(ni, -1);
    this.nodeSetChanged = true;
    this.dirty.add(name);
    if (ni.pods.length === 0) this.nodes.delete(name);
    else { ni.node = undefined; ni.generation = ++this.generation; }
  }

  /** Contract: counts the pod on `nodeName` now; confirmed later by `addPod`, undone by `forgetPod`. */
  assumePod(pod: Pod, nodeName: string): PodInfo {
    const key = keyOfPod(pod);
    if (this.pods.has(key)) throw new Error(`pod ${key} is already in the cache`);
    const pi = newPodInfo({ ...pod, spec: { ...pod.spec, nodeName } });
    this.touch(nodeName).addPod(pi);
    this.pods.set(key, { pi, nodeName, assumed: true });
    return pi;
  }

  /** Contract: starts the expiry clock of an assumed pod once its binding call returned. */
  finishBinding(pod: Pod): void {
    const st = this.pods.get(keyOfPod(pod));
    if (st?.assumed) st.deadline = this.clock.now() + this.ttl;
  }

  /** Contract: drops an assumed pod (binding failed). */
  forgetPod(pod: Pod): void {
    const key = keyOfPod(pod);
    const st = this.pods.get(key);
    if (!st || !st.assumed) return;
    this.removeFrom(st.nodeName, key);
    this.pods.delete(key);
  }

  isAssumed(pod: Pod): boolean { return !!this.pods.get(keyOfPod(pod))?.assumed; }

  private removeFrom(nodeName: string, key: string): void {
    const ni = this.nodes.get(nodeName);
    if (!ni) return;
    ni.removePod(key);
    ni.generation = ++this.generation;
    this.dirty.add(nodeName);
    if (!ni.node && ni.pods.length === 0) this.nodes.delete(nodeName);
  }

  /** Contract: a bound pod seen on the watch: confirms an assumed pod (moving it if bound elsewhere) or adds it. */
  addPod(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    const key = keyOfPod(pod);
    const st = this.pods.get(key);
    if (st) this.removeFrom(st.nodeName, key);
    const pi = newPodInfo(pod);
    this.touch(nodeName).addPod(pi);
    this.pods.set(key, { pi, nodeName, assumed: false });
  }

  updatePod(pod: Pod): void { this.addPod(pod); }

  removePod(pod: Pod): void {
    const key = keyOfPod(pod);
    const st = this.pods.get(key);
    if (!st) return;
    this.removeFrom(st.nodeName, key);
    this.pods.delete(key);
  }

  /** Contract: expires assumed pods whose binding finished more than the TTL ago; returns them. */
  cleanupExpiredAssumedPods(): Pod[] {
    const now = this.clock.now();
    const out: Pod[] = [];
    for (const [key, st] of this.pods) {
      if (!st.assumed || st.deadline === undefined || st.deadline > now) continue;
      this.removeFrom(st.nodeName, key);
      this.pods.delete(key);
      out.push(st.pi.pod);
    }
    return out;
  }

  nodeCount(): number { let n = 0; for (const ni of this.nodes.values()) if (ni.node) n++; return n; }
  podCount(): number { return this.pods.size; }
  getNodeInfo(name: string): NodeInfo | undefined { return this.nodes.get(name); }

  /**
   * Contract: brings `snap` up to date, re-cloning only nodes changed since the last call.
   * Steps: 1. clone dirty nodes into the map; 2. rebuild the node list when nodes came or went;
   * 3. mark the affinity lists stale when a dirty node had or has affinity pods (rebuilt on first use);
   * 4. copy image counts.
   */
  updateSnapshot(snap: ClusterSnapshot): void {
    if (this.dirty.size === 0 && !this.nodeSetChanged) return;
    let affinityChanged = false;
    const changed = [...this.dirty];
    // 1.
    for (const name of this.dirty) {
      const ni = this.nodes.get(name);
      const old = snap.nodeInfoMap.get(name);
      const had = old ? [old.podsWithAffinity.length > 0, old.podsWithRequiredAntiAffinity.length > 0] : [false, false];
      if (!ni || !ni.node) {
        if (old) { snap.nodeInfoMap.delete(name); this.nodeSetChanged = true; affinityChanged ||= had[0]! || had[1]!; }
        continue;
      }
      const c = ni.clone();
      snap.nodeInfoMap.set(name, c);
      if (!old) this.nodeSetChanged = true;
      else {
        const i = snap.nodeIndex.get(name);
        if (i !== undefined && !this.nodeSetChanged) snap.nodeList[i] = c;
      }
      if (had[0] !== c.podsWithAffinity.length > 0 || had[1] !== c.podsWithRequiredAntiAffinity.length > 0 || had[0] || had[1]) affinityChanged = true;
    }
    this.dirty.clear();
    // 2.
    const rebuilt = this.nodeSetChanged;
    if (this.nodeSetChanged) {
      snap.nodeList = [...snap.nodeInfoMap.values()];
      snap.nodeIndex = new Map(snap.nodeList.map((n, i) => [n.name, i]));
      this.nodeSetChanged = false;
      affinityChanged = true;
    }
    // 3.
    if (affinityChanged) {
      snap.withAffinity = undefined;
      snap.withRequiredAnti = undefined;
    }
    // 4.
    if (this.imagesChanged) { snap.imageCounts = new Map(this.imageNodes); this.imagesChanged = false; }
    snap.generation = this.generation;
    snap.recordChange(changed, rebuilt);
  }
}
