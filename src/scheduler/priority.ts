// Pod priority resolution (what the Priority admission plugin does): class name → value, else the global default.
import type { PriorityClass } from '../api/types/apps.js';
import type { Pod } from '../api/types/core.js';

/** Built-in classes every cluster has. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 };

/**
 * Contract: the pod's effective priority and preemption policy: `spec.priority` when set; else the value
 * of `spec.priorityClassName` (undefined when that class does not exist); else the globalDefault class
 * (highest value if several); else 0.
 */
export function resolvePriority(pod: Pod, classes: PriorityClass[]): { priority: number; preemptionPolicy?: 'PreemptLowerPriority' | 'Never' } | undefined {
  if (pod.spec.priority !== undefined) return { priority: pod.spec.priority, preemptionPolicy: pod.spec.preemptionPolicy };
  const name = pod.spec.priorityClassName;
  if (name) {
    if (name in SYSTEM_PRIORITY_CLASSES) return { priority: SYSTEM_PRIORITY_CLASSES[name]! };
    const pc = classes.find((c) => c.metadata.name === name);
    return pc ? { priority: pc.value, preemptionPolicy: pod.spec.preemptionPolicy ?? pc.preemptionPolicy } : undefined;
  }
  let def: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault && (!def || c.value > def.value)) def = c;
  return def ? { priority: def.value, preemptionPolicy: pod.spec.preemptionPolicy ?? def.preemptionPolicy } : { priority: 0, preemptionPolicy: pod.spec.preemptionPolicy };
}

/** Contract: a copy of the pod with `spec.priority` filled in (the same object when already set). */
export function withResolvedPriority(pod: Pod, classes: PriorityClass[]): Pod {
  if (pod.spec.priority !== undefined) return pod;
  const r = resolvePriority(pod, classes);
  if (!r) return pod;
  return { ...pod, spec: { ...pod.spec, priority: r.priority, ...(r.preemptionPolicy ? { preemptionPolicy: r.preemptionPolicy } : {}) } };
}
