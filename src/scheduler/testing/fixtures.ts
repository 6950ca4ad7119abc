// Builders of nodes, pods and snapshots for unit tests and benchmarks.
import type { Container, Node, Pod, PodSpec, Taint } from '../../api/types/core.js';
import { ClusterSnapshot, snapshotOf } from '../cache/snapshot.js';
import { NodeInfo } from '../framework/node-info.js';
import { newPodInfo } from '../framework/pod-info.js';

export interface NodeOpts { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; images?: { names: string[]; sizeBytes: number }[]; extra?: Record<string, string> }

/** A Ready node with allocatable resources (defaults: 4 cpu, 8Gi, 110 pods) and the hostname label. */
export function makeNode(name: string, o: NodeOpts = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) },
      capacity: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) },
      conditions: [{ type: 'Ready', status: 'True' }],
      ...(o.images ? { images: o.images } : {}),
    },
  };
}

export interface PodOpts { ns?: string; cpu?: string; memory?: string; labels?: Record<string, string>; nodeName?: string; priority?: number; spec?: Partial<PodSpec>; containers?: Container[]; uid?: string }

/** A pod with one container requesting `cpu`/`memory` (none when omitted). */
export function makePod(name: string, o: PodOpts = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', uid: o.uid ?? `uid-${name}`, labels: o.labels ?? {}, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      containers: o.containers ?? [{ name: 'c', image: 'busybox', resources: { requests } }],
      schedulerName: 'default-scheduler',
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.spec ?? {}),
    },
    status: { phase: 'Pending' },
  };
}

/** A NodeInfo holding `pods` (their nodeName is set to the node). */
export function nodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const ni = new NodeInfo(node);
  for (const p of pods) ni.addPod(newPodInfo({ ...p, spec: { ...p.spec, nodeName: node.metadata.name } }));
  return ni;
}

/** A snapshot of nodes with their pods. */
export function snapshot(entries: [Node, Pod[]][]): ClusterSnapshot {
  return snapshotOf(entries.map(([n, p]) => nodeInfo(n, p)));
}
