// EndpointSlices for a Service from its pods (pure): grouped by resolved port set, ≤ 100 endpoints each.
import type { Endpoint, EndpointSlice, EndpointSlicePort, Pod, Service } from '../../api/types/index.js';
import { isPodReady } from '../common/pod-util.js';
import { compareIPs, endpointHostname, podInEndpoints, resolveTargetPort } from '../common/service-pods.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** One desired slice content: its ports and endpoints. */
export interface SliceContent { ports: EndpointSlicePort[]; endpoints: Endpoint[] }

/** The endpoint for a pod: ready = ready && !terminating (or published), serving = ready, terminating. */
export function podEndpoint(pod: Pod, svc: Service): Endpoint {
  const terminating = !!pod.metadata.deletionTimestamp;
  const podReady = isPodReady(pod);
  const publish = !!svc.spec.publishNotReadyAddresses;
  const ep: Endpoint = {
    addresses: [pod.status!.podIP!],
    conditions: { ready: publish || (podReady && !terminating), serving: publish || podReady, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  const hostname = endpointHostname(pod, svc);
  if (hostname) ep.hostname = hostname;
  if (pod.spec.nodeName) ep.nodeName = pod.spec.nodeName;
  return ep;
}

/**
 * Steps: 1. pods that belong; 2. resolve each pod's port set (all service ports; a named port the pod
 * lacks is dropped for that pod); 3. group by port set; 4. sort by IP and chunk by `max`.
 */
export function renderSlices(svc: Service, pods: Pod[], max = MAX_ENDPOINTS_PER_SLICE): SliceContent[] {
  const groups = new Map<string, SliceContent>();
  for (const pod of pods) {
    if (!podInEndpoints(pod, svc)) continue;
    const ports: EndpointSlicePort[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const port = resolveTargetPort(sp, pod);
      if (port === undefined) continue;
      const p: EndpointSlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      ports.push(p);
    }
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0));
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(podEndpoint(pod, svc));
  }
  const out: SliceContent[] = [];
  for (const g of [...groups.values()].sort((a, b) => JSON.stringify(a.ports).localeCompare(JSON.stringify(b.ports)))) {
    g.endpoints.sort((a, b) => compareIPs(a.addresses[0]!, b.addresses[0]!));
    for (let i = 0; i < g.endpoints.length; i += max) out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + max) });
    if (g.endpoints.length === 0) out.push(g);
  }
  return out;
}

/** Labels of a managed slice. */
export function sliceLabels(svc: Service): Record<string, string> {
  const l: Record<string, string> = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata.name!, [MANAGED_BY_LABEL]: MANAGED_BY };
  if (svc.spec.clusterIP === 'None') l['service.kubernetes.io/headless'] = '';
  return l;
}

/** Canonical form of slice content for equality. */
export function contentKey(c: { ports?: EndpointSlicePort[]; endpoints: Endpoint[] }): string {
  return JSON.stringify([
    (c.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol]),
    c.endpoints.map((e) => [e.addresses, e.conditions?.ready, e.conditions?.serving, e.conditions?.terminating, e.hostname, e.nodeName, e.targetRef?.uid]),
  ]);
}

/** What to write: updates pair an existing slice with new content; the rest is created or deleted. */
export interface SlicePlan { create: SliceContent[]; update: { slice: EndpointSlice; content: SliceContent }[]; delete: EndpointSlice[] }

/**
 * Matches desired content to existing slices: identical content is kept, then existing slices with
 * the same ports are reused, leftovers are deleted and the rest created (pure).
 */
export function planSlices(desired: SliceContent[], existing: EndpointSlice[], labels: Record<string, string>): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const pool = [...existing];
  const pending: SliceContent[] = [];
  for (const d of desired) {
    const i = pool.findIndex((s) => contentKey(s) === contentKey(d));
    if (i >= 0) {
      const [s] = pool.splice(i, 1);
      if (JSON.stringify(s!.metadata.labels ?? {}) !== JSON.stringify(labels)) plan.update.push({ slice: s!, content: d });
    } else pending.push(d);
  }
  for (const d of pending) {
    const pk = JSON.stringify(d.ports);
    const i = pool.findIndex((s) => JSON.stringify((s.ports ?? []).map((p) => ({ ...p, name: p.name ?? '' }))) === pk);
    if (i >= 0) plan.update.push({ slice: pool.splice(i, 1)[0]!, content: d });
    else plan.create.push(d);
  }
  plan.delete = pool;
  return plan;
}
