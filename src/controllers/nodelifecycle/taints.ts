// Node taints from the Ready condition (pure), as upstream's node lifecycle controller keeps them:
// Ready=False → node.kubernetes.io/not-ready, Ready=Unknown → node.kubernetes.io/unreachable, each as
// NoExecute (for eviction) and NoSchedule (for the scheduler); Ready=True → neither.
import type { Node, Taint } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';
import { readyCondition } from './health.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
const MANAGED = [TAINT_NOT_READY, TAINT_UNREACHABLE];

/** The node's full taint list after this pass, or undefined when it stays as it is. */
export function desiredTaints(node: Node, now: number): Taint[] | undefined {
  const status = readyCondition(node)?.status;
  const want = status === 'False' ? TAINT_NOT_READY : status === 'Unknown' ? TAINT_UNREACHABLE : undefined;
  const cur = node.spec?.taints ?? [];
  const keep = cur.filter((t) => !MANAGED.includes(t.key) || (t.key === want && (t.effect === 'NoExecute' || t.effect === 'NoSchedule')));
  const next = [...keep];
  if (want) {
    for (const effect of ['NoSchedule', 'NoExecute'] as const) {
      if (!next.some((t) => t.key === want && t.effect === effect)) next.push(effect === 'NoExecute' ? { key: want, effect, timeAdded: rfc3339(now) } : { key: want, effect });
    }
  }
  const same = next.length === cur.length && next.every((t) => cur.includes(t));
  return same ? undefined : next;
}
