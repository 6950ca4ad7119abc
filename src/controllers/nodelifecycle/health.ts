// Node health (pure): when the controller last heard from a node's kubelet (a renewed Lease or a new
// Ready heartbeat, timed by the controller's own clock as upstream's probeTimestamp), and the
// conditions to write once that is longer ago than the grace period.
import type { Condition, Lease, Node } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';

/** Conditions the kubelet owns and the controller turns Unknown when the kubelet goes silent. */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** What the controller remembers per node between passes. */
export interface Probe {
  /** Controller time at which a kubelet signal last changed. */
  at: number;
  renewTime?: string;
  heartbeat?: string;
}

export const readyCondition = (n: Node): Condition | undefined => n.status?.conditions?.find((c) => c.type === 'Ready');

/** The new probe record: `at` moves to `now` when first seen or when the lease or the Ready heartbeat changed. */
export function observe(prev: Probe | undefined, node: Node, lease: Lease | undefined, now: number): Probe {
  const renewTime = lease?.spec?.renewTime;
  const heartbeat = readyCondition(node)?.lastHeartbeatTime;
  if (!prev || prev.renewTime !== renewTime || prev.heartbeat !== heartbeat) return { at: now, renewTime, heartbeat };
  return prev;
}

/**
 * The conditions to write when the node's kubelet has been silent for more than `graceMs`, or
 * undefined when nothing changes (still fresh, or already Unknown everywhere).
 */
export function staleConditions(node: Node, probe: Probe, now: number, graceMs: number): Condition[] | undefined {
  if (now - probe.at <= graceMs) return undefined;
  const nowStr = rfc3339(now);
  const conds = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const i = conds.findIndex((c) => c.type === type);
    const cur = i >= 0 ? conds[i] : undefined;
    if (cur?.status === 'Unknown') continue;
    if (!cur && type !== 'Ready') continue;
    changed = true;
    const next: Condition = cur
      ? { ...cur, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: nowStr }
      : { type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: rfc3339(probe.at), lastTransitionTime: nowStr };
    if (i >= 0) conds[i] = next;
    else conds.push(next);
  }
  return changed ? conds : undefined;
}
