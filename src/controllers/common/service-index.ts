// Indexes that join Services and pods by "namespace/key=value" pairs, so that the Endpoints and
// EndpointSlice controllers look up a service's pods (and a pod's services) without scanning every
// pod (or every service) of the process.
import type { Pod, Service } from '../../api/types/index.js';
import type { Informer, Store } from '../../client/cache/interfaces.js';

export const POD_LABEL_INDEX = 'namespace/label';
export const SERVICE_SELECTOR_INDEX = 'namespace/selector';

const pairs = (ns: string | undefined, m: Record<string, string> | undefined): string[] =>
  Object.entries(m ?? {}).map(([k, v]) => `${ns ?? ''}/${k}=${v}`);

/** Adds both indexes (idempotent: the same functions under the same names); call before the informers start. */
export function indexServicesAndPods(services: Informer<Service>, pods: Informer<Pod>): void {
  services.addIndexer(SERVICE_SELECTOR_INDEX, (s) => pairs(s.metadata.namespace, s.spec.selector));
  pods.addIndexer(POD_LABEL_INDEX, (p) => pairs(p.metadata.namespace, p.metadata.labels));
}

/** Whether every pair of `selector` is among `labels` (an empty selector matches nothing here). */
function matchesAll(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const sel = Object.entries(selector ?? {});
  return sel.length > 0 && sel.every(([k, v]) => labels?.[k] === v);
}

/**
 * Pods in the service's namespace matched by its selector map (requires `indexServicesAndPods`).
 * Steps: 1. no selector → none; 2. take the smallest index bucket among the selector's pairs;
 * 3. keep the pods of it that match every pair.
 */
export function podsOfService(pods: Store<Pod>, svc: Service): Pod[] {
  const keys = pairs(svc.metadata.namespace, svc.spec.selector);
  if (keys.length === 0) return [];
  let best: Pod[] | undefined;
  for (const k of keys) {
    const b = pods.byIndex(POD_LABEL_INDEX, k);
    if (!best || b.length < best.length) best = b;
    if (best.length === 0) return [];
  }
  return best!.filter((p) => matchesAll(svc.spec.selector, p.metadata.labels));
}

/** Services of the pod's namespace whose non-empty selector matches the pod (requires `indexServicesAndPods`). */
export function servicesOfPod(services: Store<Service>, pod: Pod): Service[] {
  const out = new Set<Service>();
  for (const k of pairs(pod.metadata.namespace, pod.metadata.labels)) {
    for (const s of services.byIndex(SERVICE_SELECTOR_INDEX, k)) if (matchesAll(s.spec.selector, pod.metadata.labels)) out.add(s);
  }
  return [...out];
}
