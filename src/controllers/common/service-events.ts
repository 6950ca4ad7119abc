// Pod events → keys of the Services whose selectors match the pod (before or after the change).
import type { Pod, Service } from '../../api/types/index.js';
import type { EventHandler, Store } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { servicesOfPod } from './service-index.js';

/** Contract: enqueues every service selecting the pod (needs `indexServicesAndPods`); updates that change nothing relevant are ignored. */
export function podToServiceHandlers(services: Store<Service>, enqueue: (key: string) => void): EventHandler<Pod> {
  const relevant = (p: Pod) => JSON.stringify([p.status?.podIP, p.status?.phase, p.status?.conditions?.find((c) => c.type === 'Ready')?.status,
    p.metadata.deletionTimestamp, p.spec.nodeName, p.spec.hostname, p.spec.subdomain, p.metadata.labels]);
  const servicesFor = (p: Pod) => servicesOfPod(services, p).map(keyOf);
  return {
    onAdd: (p) => servicesFor(p).forEach(enqueue),
    onUpdate: (o, n) => {
      if (relevant(o) === relevant(n)) return;
      const keys = new Set([...servicesFor(o), ...servicesFor(n)]);
      keys.forEach(enqueue);
    },
    onDelete: (p) => servicesFor(p).forEach(enqueue),
  };
}
