// Objects `kubets up` keeps in place for a single-node cluster: the kube-dns Service at the
// cluster DNS IP, with endpoints on the node where the DNS process listens (pure builders).
import type { EndpointSlice, Endpoints, Service } from '../api/types/index.js';

export function kubeDnsService(clusterIP: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      clusterIP,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  };
}

/** Endpoints of kube-dns: the node address where `kubets dns` listens. */
export function kubeDnsEndpoints(nodeIP: string, nodeName: string): { endpoints: Endpoints; slice: EndpointSlice } {
  const ports = [{ name: 'dns', port: 53, protocol: 'UDP' as const }, { name: 'dns-tcp', port: 53, protocol: 'TCP' as const }];
  return {
    endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, subsets: [{ addresses: [{ ip: nodeIP, nodeName }], ports }] },
    slice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kube-dns-node', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'kubets-up' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [nodeIP], conditions: { ready: true, serving: true, terminating: false }, nodeName }],
      ports,
    },
  };
}
