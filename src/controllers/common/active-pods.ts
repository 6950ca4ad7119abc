// Victim ordering for scale-down, as upstream's ActivePodsWithRanks: the first pods in the
// sorted order are the cheapest to delete.
import type { Pod } from '../../api/types/index.js';
import { isPodReady, maxContainerRestarts, podReadySince } from './pod-util.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const created = (p: Pod): number => (p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0);

/**
 * Compares two pods for deletion preference; negative means `a` goes first. Steps:
 * 1. unassigned before assigned; 2. Pending < Unknown < Running; 3. not ready before ready;
 * 4. higher rank (more siblings colocated on the node) first; 5. both ready: more recently
 * ready first; 6. more restarts first; 7. newer first.
 */
export function compareVictims(a: Pod, b: Pod, rankA = 0, rankB = 0): number {
  const na = a.spec.nodeName ?? '';
  const nb = b.spec.nodeName ?? '';
  if ((na === '') !== (nb === '')) return na === '' ? -1 : 1;
  const pa = phaseOrdinal[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = phaseOrdinal[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const ta = podReadySince(a) ?? 0;
    const tb = podReadySince(b) ?? 0;
    if (ta !== tb) return tb - ta;
  }
  const xa = maxContainerRestarts(a);
  const xb = maxContainerRestarts(b);
  if (xa !== xb) return xb - xa;
  const ca = created(a);
  const cb = created(b);
  if (ca !== cb) return cb - ca;
  return 0;
}

/**
 * Returns the `count` pods to delete from `pods`. `related` are all active pods of the owner's
 * family (for colocation ranks: the number of related pods on the same node).
 */
export function pickVictims(pods: Pod[], count: number, related: Pod[] = pods): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec.nodeName;
    if (n) onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const rank = (p: Pod): number => (p.spec.nodeName ? onNode.get(p.spec.nodeName) ?? 0 : 0);
  const sorted = [...pods].sort((a, b) => compareVictims(a, b, rank(a), rank(b)));
  return sorted.slice(0, Math.max(0, count));
}

/** Sorts pods by the ActivePods order (victims first), without ranks. */
export function sortActivePods(pods: Pod[]): Pod[] {
  return [...pods].sort((a, b) => compareVictims(a, b));
}
