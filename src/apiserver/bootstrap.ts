// Objects the apiserver keeps in place: the system namespaces, the `kubernetes` Service and
// its endpoints (pointing at the apiservers), the system priority classes.
import type { KubeObject } from '../api/types/index.js';
import type { Logger } from '../util/logger.js';
import type { UserInfo } from './admission/interface.js';
import { StatusError } from './errors.js';
import type { ResourceStore } from './registry/store.js';

export interface BootstrapOptions {
  store(resource: string, group?: string): ResourceStore;
  /** The first IP of the service range. */
  kubernetesServiceIP: string;
  /** This apiserver's address and port as pods should reach it. */
  advertiseAddress: string;
  advertisePort: number;
  servicePort: number;
  logger: Logger;
}

const SYSTEM: UserInfo = { username: 'system:apiserver', groups: ['system:masters'] };
const wc = { dryRun: false, user: SYSTEM };

async function ensure(store: ResourceStore, ns: string | undefined, obj: KubeObject): Promise<void> {
  try {
    await store.create(ns, obj, wc);
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return;
    throw err;
  }
}

/** 1. namespaces; 2. priority classes; 3. kubernetes Service; 4. its Endpoints and EndpointSlice. */
export async function bootstrap(o: BootstrapOptions): Promise<void> {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    await ensure(o.store('namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const [name, value] of [['system-node-critical', 2000001000], ['system-cluster-critical', 2000000000]] as const) {
    await ensure(o.store('priorityclasses', 'scheduling.k8s.io'), undefined, {
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, description: 'Used for system critical pods that must not be moved from their current node.',
    });
  }
  await ensure(o.store('services'), 'default', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: o.kubernetesServiceIP, ports: [{ name: 'https', port: o.servicePort, protocol: 'TCP', targetPort: o.advertisePort }], sessionAffinity: 'None' },
  });
  await reconcileEndpoints(o);
}

/** Points the `kubernetes` Endpoints/EndpointSlice at this apiserver (adding it beside others). */
export async function reconcileEndpoints(o: BootstrapOptions): Promise<void> {
  const eps = o.store('endpoints');
  const port = { name: 'https', port: o.advertisePort, protocol: 'TCP' as const };
  await eps.guaranteedUpdate('default', 'kubernetes', (cur) => {
    const obj = cur ?? { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } };
    const subsets = (obj.subsets as { addresses?: { ip: string }[] }[] | undefined) ?? [];
    const ips = new Set((subsets[0]?.addresses ?? []).map((a) => a.ip));
    ips.add(o.advertiseAddress);
    obj.subsets = [{ addresses: [...ips].sort().map((ip) => ({ ip })), ports: [port] }];
    return obj;
  }, { wc, createIfAbsent: true });
  const slices = o.store('endpointslices', 'discovery.k8s.io');
  await slices.guaranteedUpdate('default', 'kubernetes', (cur) => {
    const obj = cur ?? { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'apiserver' } } };
    const endpoints = (obj.endpoints as { addresses: string[] }[] | undefined) ?? [];
    const ips = new Set(endpoints.flatMap((e) => e.addresses));
    ips.add(o.advertiseAddress);
    obj.addressType = 'IPv4';
    obj.endpoints = [...ips].sort().map((ip) => ({ addresses: [ip], conditions: { ready: true } }));
    obj.ports = [port];
    return obj;
  }, { wc, createIfAbsent: true });
}
