// Service → pod helpers shared by the Endpoints and EndpointSlice controllers (pure).
import type { Pod, Service, ServicePort } from '../../api/types/index.js';

/** The container port a service port targets on `pod`: numbers as-is, names looked up per pod. */
export function resolveTargetPort(sp: ServicePort, pod: Pod): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  const proto = sp.protocol ?? 'TCP';
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  }
  return undefined;
}

/** Whether a pod belongs in the service's endpoints at all: has an IP, not terminal, not terminating unless published. */
export function podInEndpoints(pod: Pod, svc: Service): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (pod.metadata.deletionTimestamp && !svc.spec.publishNotReadyAddresses) return false;
  return true;
}

/** The hostname an endpoint of this pod carries for `svc` (pod.spec.hostname when its subdomain is the service). */
export function endpointHostname(pod: Pod, svc: Service): string | undefined {
  const h = pod.spec.hostname;
  return h && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace ? h : undefined;
}

/** Whether the service is headless. */
export const isHeadless = (svc: Service): boolean => svc.spec.clusterIP === 'None';

/** Compares IPv4/IPv6 textual addresses numerically where possible. */
export function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4 && pa.every(Number.isFinite) && pb.every(Number.isFinite)) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
