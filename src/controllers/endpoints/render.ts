// Endpoints for a Service from its pods (pure), as upstream's endpoints controller computes them.
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service } from '../../api/types/index.js';
import { isPodReady } from '../common/pod-util.js';
import { compareIPs, endpointHostname, isHeadless, podInEndpoints, resolveTargetPort } from '../common/service-pods.js';

/**
 * Steps: 1. keep pods that belong (IP, not terminal, not terminating unless published);
 * 2. per pod, resolve every service port (a pod lacking a named port is left out of that port);
 * 3. ready (or publishNotReadyAddresses) → addresses, else notReadyAddresses;
 * 4. group addresses by identical port sets (repack) and sort addresses by IP.
 */
export function renderSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  const publish = !!svc.spec.publishNotReadyAddresses;
  for (const pod of pods) {
    if (!podInEndpoints(pod, svc)) continue;
    const addr: EndpointAddress = { ip: pod.status!.podIP! };
    const hostname = endpointHostname(pod, svc);
    if (hostname) addr.hostname = hostname;
    if (pod.spec.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    const ready = publish || isPodReady(pod);
    const portSets: EndpointPort[][] = [];
    const svcPorts = svc.spec.ports ?? [];
    if (svcPorts.length === 0) {
      if (isHeadless(svc)) portSets.push([]);
    } else {
      for (const sp of svcPorts) {
        const port = resolveTargetPort(sp, pod);
        if (port === undefined) continue;
        const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
        if (sp.name) ep.name = sp.name;
        if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
        portSets.push([ep]);
      }
    }
    // Upstream adds one subset per (pod, port) and then repacks by identical port lists.
    const merged = new Map<string, EndpointPort[]>();
    for (const ps of portSets) for (const p of ps) merged.set(`${p.name ?? ''}/${p.port}/${p.protocol}`, [p]);
    const ports = [...merged.values()].flat().sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    if (portSets.length === 0) continue;
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (ready ? g.ready : g.notReady).push(addr);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const s: EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort((a, b) => compareIPs(a.ip, b.ip));
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort((a, b) => compareIPs(a.ip, b.ip));
    if (g.ports.length) s.ports = g.ports;
    subsets.push(s);
  }
  return subsets.sort((a, b) => JSON.stringify(a.ports ?? []).localeCompare(JSON.stringify(b.ports ?? [])));
}

/** Labels of the Endpoints object: the service's labels plus the headless marker. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const l = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) l['service.kubernetes.io/headless'] = '';
  return l;
}

/** The desired Endpoints object (without resourceVersion). */
export function renderEndpoints(svc: Service, pods: Pod[]): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels: endpointsLabels(svc) },
    subsets: renderSubsets(svc, pods),
  };
}

/** Whether the stored Endpoints already equal the desired ones (subsets and labels). */
export function endpointsEqual(cur: Endpoints, want: Endpoints): boolean {
  const strip = (s: EndpointSubset[] | undefined) => JSON.stringify((s ?? []).map((x) => ({
    a: (x.addresses ?? []).map((a) => [a.ip, a.hostname, a.nodeName, a.targetRef?.uid]),
    n: (x.notReadyAddresses ?? []).map((a) => [a.ip, a.hostname, a.nodeName, a.targetRef?.uid]),
    p: (x.ports ?? []).map((p) => [p.name, p.port, p.protocol, p.appProtocol]),
  })));
  return strip(cur.subsets) === strip(want.subsets) && JSON.stringify(cur.metadata.labels ?? {}) === JSON.stringify(want.metadata.labels ?? {});
}
