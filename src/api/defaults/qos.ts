// Pod QoS class (upstream qos.GetPodQOS): Guaranteed when every container has equal cpu and
// memory requests and limits, BestEffort when none sets any, Burstable otherwise.
import type { Pod } from '../types/index.js';
import { quantityValueOrUndefined as parseQuantityValue } from '../quantity.js';

const computeResources = ['cpu', 'memory'];

function sameQuantity(a: number | undefined, b: number): boolean {
  return a !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** The QoS class of a pod from its containers' resources. */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = pod.spec ?? { containers: [] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  // 1. Sum requests and limits of cpu/memory; any container missing a limit breaks Guaranteed.
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of computeResources) {
      const q = parseQuantityValue(req[r]);
      if (q !== undefined && q !== 0) requests.set(r, (requests.get(r) ?? 0) + q);
    }
    const seen = new Set<string>();
    for (const r of computeResources) {
      const q = parseQuantityValue(lim[r]);
      if (q !== undefined && q !== 0) {
        seen.add(r);
        limits.set(r, (limits.get(r) ?? 0) + q);
      }
    }
    if (seen.size !== computeResources.length) guaranteed = false;
  }
  // 2. Classify.
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [r, q] of requests) if (!sameQuantity(limits.get(r), q)) return 'Burstable';
    if (requests.size === limits.size) return 'Guaranteed';
  }
  return 'Burstable';
}
