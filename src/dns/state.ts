// The cluster facts DNS answers from, indexed for lookups. Built purely from object lists
// (`buildClusterState`); the server rebuilds it lazily when its informers report changes.
import type { Pod, Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** One endpoint address as DNS sees it. */
export interface DnsEndpoint {
  ip: string;
  family: 4 | 6;
  hostname?: string;
  ready: boolean;
  /** Ports of the slice this address came from. */
  ports: { name: string; port: number; protocol: string }[];
}

/** Read-only lookups used by `answer`. Names are lower-case. */
export interface ClusterState {
  service(namespace: string, name: string): Service | undefined;
  /** Endpoints of a service (all slices), in a stable order. */
  endpoints(namespace: string, service: string): DnsEndpoint[];
  /** True when the namespace has at least one service (so "<ns>.svc.<domain>" exists). */
  hasNamespace(namespace: string): boolean;
  /** Services whose cluster IP is `ip`. */
  servicesByClusterIP(ip: string): Service[];
  /** Endpoints (with their service) whose address is `ip`. */
  endpointsByIP(ip: string): { namespace: string; service: string; endpoint: DnsEndpoint }[];
  /** Pods whose IP is `ip`. */
  podsByIP(ip: string): Pod[];
}

/** Family of an address: 6 when it contains ':'. */
export function familyOf(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** Cluster IPs of a service ("None"/empty excluded). */
export function clusterIPsOf(s: Service): string[] {
  const ips = s.spec.clusterIPs?.length ? s.spec.clusterIPs : s.spec.clusterIP ? [s.spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

/** Indexes services, slices and pods for DNS. Pure. */
export function buildClusterState(services: Service[], slices: EndpointSlice[], pods: Pod[] = []): ClusterState {
  // 1. Services by ns/name and by cluster IP.
  const svcBy = new Map<string, Service>();
  const byClusterIP = new Map<string, Service[]>();
  const namespaces = new Set<string>();
  for (const s of services) {
    const ns = (s.metadata.namespace ?? 'default').toLowerCase();
    svcBy.set(`${ns}/${(s.metadata.name ?? '').toLowerCase()}`, s);
    namespaces.add(ns);
    for (const ip of clusterIPsOf(s)) byClusterIP.set(ip, [...(byClusterIP.get(ip) ?? []), s]);
  }
  // 2. Endpoints by service and by IP.
  const epsBy = new Map<string, DnsEndpoint[]>();
  const epsByIP = new Map<string, { namespace: string; service: string; endpoint: DnsEndpoint }[]>();
  const sortedSlices = [...slices].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const sl of sortedSlices) {
    const svcName = sl.metadata.labels?.[SERVICE_NAME_LABEL]?.toLowerCase();
    if (!svcName || sl.addressType === 'FQDN') continue;
    const ns = (sl.metadata.namespace ?? 'default').toLowerCase();
    const key = `${ns}/${svcName}`;
    const list = epsBy.get(key) ?? [];
    const ports = (sl.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP' }));
    for (const ep of sl.endpoints ?? []) {
      for (const ip of ep.addresses ?? []) {
        const d: DnsEndpoint = { ip, family: familyOf(ip), hostname: ep.hostname, ready: ep.conditions?.ready !== false, ports };
        list.push(d);
        epsByIP.set(ip, [...(epsByIP.get(ip) ?? []), { namespace: ns, service: svcName, endpoint: d }]);
      }
    }
    epsBy.set(key, list);
  }
  // 3. Pods by IP.
  const podsBy = new Map<string, Pod[]>();
  for (const p of pods) {
    const ips = new Set([p.status?.podIP, ...(p.status?.podIPs ?? []).map((x) => x.ip)].filter((x): x is string => !!x));
    for (const ip of ips) podsBy.set(ip, [...(podsBy.get(ip) ?? []), p]);
  }
  return {
    service: (ns, name) => svcBy.get(`${ns}/${name}`),
    endpoints: (ns, name) => epsBy.get(`${ns}/${name}`) ?? [],
    hasNamespace: (ns) => namespaces.has(ns),
    servicesByClusterIP: (ip) => byClusterIP.get(ip) ?? [],
    endpointsByIP: (ip) => epsByIP.get(ip) ?? [],
    podsByIP: (ip) => podsBy.get(ip) ?? [],
  };
}
