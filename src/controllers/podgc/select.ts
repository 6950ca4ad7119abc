// Pod GC selection (pure), as upstream's pod garbage collector: terminated pods above the threshold
// (oldest first), pods bound to nodes that do not exist, terminating pods that were never scheduled,
// and terminating pods on out-of-service nodes.
import type { Node, Pod } from '../../api/types/index.js';

export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

const isTerminated = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;

/** Terminated pods beyond `threshold`, oldest first (threshold ≤ 0 disables this pass). */
export function terminatedOverThreshold(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const done = pods.filter((p) => isTerminated(p) && !p.metadata.deletionTimestamp);
  const excess = done.length - threshold;
  if (excess <= 0) return [];
  return [...done].sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')).slice(0, excess);
}

/** Names of nodes that pods are bound to but the node cache does not hold. */
export function missingNodes(pods: Pod[], nodes: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const p of pods) if (p.spec.nodeName && !nodes.has(p.spec.nodeName)) out.add(p.spec.nodeName);
  return out;
}

/** Terminating pods with no node: nothing will ever finish them. */
export function unscheduledTerminating(pods: Pod[]): Pod[] {
  return pods.filter((p) => p.metadata.deletionTimestamp && !p.spec.nodeName);
}

/** Terminating pods on nodes tainted out-of-service and not Ready (their kubelet is known gone). */
export function terminatingOnOutOfService(pods: Pod[], nodes: Map<string, Node>): Pod[] {
  return pods.filter((p) => {
    if (!p.metadata.deletionTimestamp || !p.spec.nodeName) return false;
    const n = nodes.get(p.spec.nodeName);
    if (!n) return false;
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return !ready && (n.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === 'NoExecute');
  });
}
