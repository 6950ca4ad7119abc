// Pod events → keys of the Services whose selectors match the pod (before or after the change).
import type { Pod, Service } from '../../api/types/index.js';
import type { EventHandler, Store } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';

function servicesFor(services: Store<Service>, pod: Pod): string[] {
  const out: string[] = [];
  for (const s of services.list()) {
    if (s.metadata.namespace !== pod.metadata.namespace || !s.spec.selector) continue;
    const sel = Object.entries(s.spec.selector);
    if (sel.length === 0) continue;
    if (sel.every(([k, v]) => pod.metadata.labels?.[k] === v)) out.push(keyOf(s));
  }
  return out;
}

/** Contract: enqueues every service selecting the pod; updates that change nothing relevant are ignored. */
export function podToServiceHandlers(services: Store<Service>, enqueue: (key: string) => void): EventHandler<Pod> {
  const relevant = (p: Pod) => JSON.stringify([p.status?.podIP, p.status?.phase, p.status?.conditions?.find((c) => c.type === 'Ready')?.status,
    p.metadata.deletionTimestamp, p.spec.nodeName, p.spec.hostname, p.spec.subdomain, p.metadata.labels]);
  return {
    onAdd: (p) => servicesFor(services, p).forEach(enqueue),
    onUpdate: (o, n) => {
      if (relevant(o) === relevant(n)) return;
      const keys = new Set([...servicesFor(services, o), ...servicesFor(services, n)]);
      keys.forEach(enqueue);
    },
    onDelete: (p) => servicesFor(services, p).forEach(enqueue),
  };
}
