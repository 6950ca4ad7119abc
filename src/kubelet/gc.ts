// Container and sandbox garbage collection (pure plan), as upstream's container GC policy:
// per container name the current instance always stays (its status is the pod's truth) and of the
// older dead instances the newest `maxPerPodContainer` stay (for `logs --previous` and lastState);
// with `maxContainers` >= 0 the oldest evictable ones go until that many dead remain; sandboxes
// that are not ready and hold no container go, except the newest sandbox of each pod.
import type { RuntimePod } from './runtime-state.js';

/** Limits, as the kubelet flags `--maximum-dead-containers-per-container`, `--maximum-dead-containers`, `--minimum-container-ttl-duration`. */
export interface GcPolicy {
  maxPerPodContainer: number;
  /** Negative: no node-wide limit. */
  maxContainers: number;
  /** A dead container younger than this (ms since it finished) stays. */
  minAgeMs: number;
}

export const DEFAULT_GC_POLICY: GcPolicy = { maxPerPodContainer: 1, maxContainers: -1, minAgeMs: 0 };

/** What to remove: container ids, then sandbox ids. */
export interface GcPlan {
  containers: string[];
  sandboxes: string[];
}

/**
 * 1. per pod and container name: keep the current instance and the newest `maxPerPodContainer`
 *    dead older ones, the rest is evictable (when older than minAge);
 * 2. node-wide: while more than `maxContainers` dead remain, evict the oldest evictable;
 * 3. sandboxes: not ready, no container left, not the pod's newest.
 */
export function planGarbageCollection(pods: Iterable<RuntimePod>, policy: GcPolicy, nowMs: number): GcPlan {
  const plan: GcPlan = { containers: [], sandboxes: [] };
  const kept: { id: string; finishedAt: number }[] = [];
  const list = [...pods];
  const removed = new Set<string>();
  for (const rp of list) {
    const byName = new Map<string, RuntimePod['containers']>();
    for (const c of rp.containers) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    for (const group of byName.values()) {
      group.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
      const older = group.slice(1).filter((c) => c.state === 'CONTAINER_EXITED');
      older.forEach((c, i) => {
        const oldEnough = nowMs - c.finishedAt / 1e6 >= policy.minAgeMs;
        if (i >= policy.maxPerPodContainer && oldEnough) {
          plan.containers.push(c.id);
          removed.add(c.id);
        } else if (oldEnough) kept.push({ id: c.id, finishedAt: c.finishedAt });
      });
    }
  }
  if (policy.maxContainers >= 0) {
    const dead = list.flatMap((rp) => rp.containers).filter((c) => c.state === 'CONTAINER_EXITED' && !removed.has(c.id)).length;
    kept.sort((a, b) => a.finishedAt - b.finishedAt);
    for (let over = dead - policy.maxContainers, i = 0; over > 0 && i < kept.length; over--, i++) {
      plan.containers.push(kept[i]!.id);
      removed.add(kept[i]!.id);
    }
  }
  for (const rp of list) {
    const newest = [...rp.sandboxes].sort((a, b) => b.createdAt - a.createdAt)[0];
    for (const s of rp.sandboxes) {
      if (s === newest || s.state === 'SANDBOX_READY') continue;
      // A container whose sandbox is unknown keeps every sandbox of its pod.
      if (rp.containers.some((c) => !removed.has(c.id) && (c.podSandboxId === undefined || c.podSandboxId === s.id))) continue;
      plan.sandboxes.push(s.id);
    }
  }
  return plan;
}
