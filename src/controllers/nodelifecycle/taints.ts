// Node taints from conditions (pure), as upstream's node lifecycle controller keeps them:
// NoExecute (for eviction): Ready=False → node.kubernetes.io/not-ready, Ready=Unknown →
// node.kubernetes.io/unreachable; NoSchedule (for the scheduler, "taint nodes by condition"): the
// same two, memory/disk/pid pressure, network unavailable and spec.unschedulable.
import type { Node, Taint } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';
import { readyCondition } from './health.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Condition type (status True) → NoSchedule taint key. */
const PRESSURE_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
const NO_EXECUTE_KEYS = [TAINT_NOT_READY, TAINT_UNREACHABLE];
const NO_SCHEDULE_KEYS = [TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, ...Object.values(PRESSURE_TAINTS)];

/** The condition-driven taints the node should carry, by effect. */
function wanted(node: Node): { noExecute: string[]; noSchedule: string[] } {
  const status = readyCondition(node)?.status;
  const ready = status === 'False' ? [TAINT_NOT_READY] : status === 'Unknown' ? [TAINT_UNREACHABLE] : [];
  const pressure = (node.status?.conditions ?? []).filter((c) => c.status === 'True' && PRESSURE_TAINTS[c.type]).map((c) => PRESSURE_TAINTS[c.type]!);
  return { noExecute: ready, noSchedule: [...ready, ...pressure, ...(node.spec?.unschedulable ? [TAINT_UNSCHEDULABLE] : [])] };
}

/** The node's full taint list after this pass, or undefined when it stays as it is. */
export function desiredTaints(node: Node, now: number): Taint[] | undefined {
  const want = wanted(node);
  const cur = node.spec?.taints ?? [];
  const managed = (t: Taint) => (t.effect === 'NoExecute' && NO_EXECUTE_KEYS.includes(t.key)) || (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.includes(t.key));
  const keep = cur.filter((t) => !managed(t) || (t.effect === 'NoExecute' ? want.noExecute : want.noSchedule).includes(t.key));
  const next = [...keep];
  for (const key of want.noSchedule) if (!next.some((t) => t.key === key && t.effect === 'NoSchedule')) next.push({ key, effect: 'NoSchedule' });
  for (const key of want.noExecute) if (!next.some((t) => t.key === key && t.effect === 'NoExecute')) next.push({ key, effect: 'NoExecute', timeAdded: rfc3339(now) });
  const same = next.length === cur.length && next.every((t) => cur.includes(t));
  return same ? undefined : next;
}
