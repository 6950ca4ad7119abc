// NodeInfo: a node with the pods placed on it (bound and assumed) and the aggregates plugins read.
import type { Node } from '../../api/types/core.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { Resource } from './resources.js';

/** Image present on a node: its size and on how many nodes of the cluster it is. */
export interface ImageState { size: number; numNodes: number }

/**
 * Contract: mutable aggregate owned by the scheduler cache; plugins only read clones from a snapshot.
 * `generation` increases on every change so snapshots can copy only changed nodes.
 */
export class NodeInfo {
  node: Node | undefined;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** "proto/port" → host IPs in use. */
  usedPorts = new Map<string, Set<string>>();
  requested = new Resource();
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  /** Image name → size in bytes (from `status.images`). */
  images = new Map<string, number>();
  generation = 0;

  constructor(node?: Node) {
    if (node) this.setNode(node);
  }

  get name(): string {
    return this.node?.metadata.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = Resource.from(node.status?.allocatable ?? node.status?.capacity);
    this.images = new Map();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) this.images.set(normalizeImageName(n), img.sizeBytes ?? 0);
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.requiredAffinity.length || pi.requiredAntiAffinity.length || pi.preferredAffinity.length || pi.preferredAntiAffinity.length) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.push(pi);
    this.requested.add(pi.requests);
    this.nonZeroRequested.add(pi.nonZeroRequests);
    for (const hp of pi.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      let s = this.usedPorts.get(k);
      if (!s) this.usedPorts.set(k, (s = new Set()));
      s.add(hp.ip);
    }
  }

  /** Removes the pod with this key; returns whether it was there. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const pi = this.pods[i]!;
    this.pods.splice(i, 1);
    this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.key !== key);
    this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.key !== key);
    this.requested.add(pi.requests, -1);
    this.nonZeroRequested.add(pi.nonZeroRequests, -1);
    for (const hp of pi.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const s = this.usedPorts.get(k);
      s?.delete(hp.ip);
      if (s && s.size === 0) this.usedPorts.delete(k);
    }
    return true;
  }

  /** Contract: true when `hp` collides with a used port (0.0.0.0 collides with every IP). */
  portConflict(hp: HostPort): boolean {
    const s = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!s || s.size === 0) return false;
    if (hp.ip === '0.0.0.0') return true;
    return s.has(hp.ip) || s.has('0.0.0.0');
  }

  /** A copy whose mutation never affects this one (PodInfos are shared, they are immutable). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.pods = this.pods.slice();
    c.podsWithAffinity = this.podsWithAffinity.slice();
    c.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    for (const [k, v] of this.usedPorts) c.usedPorts.set(k, new Set(v));
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.allocatable = this.allocatable;
    c.images = this.images;
    c.generation = this.generation;
    return c;
  }
}

/** "nginx" → "docker.io/library/nginx:latest"-style normalisation used to compare image names. */
export function normalizeImageName(name: string): string {
  let n = name;
  const lastSlash = n.lastIndexOf('/');
  if (!n.includes('@') && n.indexOf(':', lastSlash + 1) < 0) n += ':latest';
  return n;
}
