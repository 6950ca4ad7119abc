// Test fixtures (used by the proxy's unit tests and benchmarks): compact Service and EndpointSlice builders.
import type { Service, ServiceSpec } from '../api/types/core.js';
import type { EndpointSlice, EndpointConditions, EndpointSlicePort } from '../api/types/apps.js';
import { SERVICE_NAME_LABEL } from './model.js';

/** A Service "ns/name" with the given spec (ports default to one TCP port 80 named "http"). */
export function svc(ns: string, name: string, spec: Partial<ServiceSpec> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name },
    spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec },
  };
}

/** One endpoint of a slice: ip, optional node and conditions. */
export interface EpSpec {
  ip: string;
  node?: string;
  conditions?: EndpointConditions;
  hostname?: string;
}

/** An EndpointSlice for service "ns/name" with port "http"/8080 by default. */
export function slice(ns: string, svcName: string, eps: (string | EpSpec)[], ports: EndpointSlicePort[] = [{ name: 'http', port: 8080, protocol: 'TCP' }], suffix = 'abc'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name: `${svcName}-${suffix}`, labels: { [SERVICE_NAME_LABEL]: svcName } },
    addressType: 'IPv4',
    endpoints: eps.map((e) => {
      const s = typeof e === 'string' ? { ip: e } : e;
      return { addresses: [s.ip], nodeName: s.node, conditions: s.conditions ?? { ready: true }, hostname: s.hostname };
    }),
    ports,
  };
}
