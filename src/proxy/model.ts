// Pure step 1 of rendering: Services + EndpointSlices + this node -> one ServicePortInfo per
// (service, port) that the proxy programs, with its endpoints categorised as upstream does
// (ready / serving / terminating, cluster-wide vs on this node).
import type { Service, ServicePort } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';

/** Label linking an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One backend of a service port. */
export interface EndpointInfo {
  ip: string;
  port: number;
  /** "ip:port". */
  key: string;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** True when the endpoint runs on this node. */
  local: boolean;
}

/** What the proxy programs for one service port. */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** "ns/name:port" or "ns/name" when the port is unnamed: the upstream ServicePortName string. */
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  affinitySeconds?: number;
  internalLocal: boolean;
  externalLocal: boolean;
  healthCheckNodePort?: number;
  /** Endpoints used for Cluster policy (ready ones, or serving+terminating when none are ready). */
  clusterEndpoints: EndpointInfo[];
  /** Endpoints used for Local policy: the same choice made among endpoints on this node. */
  localEndpoints: EndpointInfo[];
}

/** Node facts the model needs. */
export interface NodeInfo {
  name: string;
  /** IPv4 addresses of the node (used for NodePorts). */
  addresses: string[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for a dotted-quad IPv4 address. */
export function isIPv4(s: string | undefined): s is string {
  return !!s && IPV4.test(s);
}

/** Default session affinity timeout (3 hours), as upstream. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** Upstream's endpoint choice: ready ones; if none, those serving and terminating. */
export function chooseEndpoints(eps: EndpointInfo[]): EndpointInfo[] {
  const ready = eps.filter((e) => e.ready);
  if (ready.length > 0) return ready;
  return eps.filter((e) => e.serving && e.terminating);
}

function servicePortName(svc: Service, port: ServicePort): string {
  const base = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
  return port.name ? `${base}:${port.name}` : base;
}

/** Endpoints of one service port gathered from all its slices, de-duplicated by ip:port. */
function endpointsFor(slices: EndpointSlice[], port: ServicePort, node: NodeInfo): EndpointInfo[] {
  const out = new Map<string, EndpointInfo>();
  const protocol = port.protocol ?? 'TCP';
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === protocol);
    if (!sp || sp.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!isIPv4(ip)) continue;
      const ready = ep.conditions?.ready !== false;
      const serving = ep.conditions?.serving ?? ready;
      const terminating = ep.conditions?.terminating ?? false;
      const key = `${ip}:${sp.port}`;
      if (out.has(key)) continue;
      out.set(key, { ip, port: sp.port, key, nodeName: ep.nodeName, ready, serving, terminating, local: ep.nodeName === node.name });
    }
  }
  // Sort by address then port; each address is converted to a number once.
  return [...out.values()]
    .map((e) => ({ e, n: ipToNumber(e.ip) }))
    .sort((a, b) => a.n - b.n || a.e.port - b.e.port)
    .map((x) => x.e);
}

function ipToNumber(ip: string): number {
  let n = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      n = n * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return n * 256 + octet;
}

/**
 * Memo of the service ports built per Service between builds (owned by one proxier). Informer
 * stores replace an object on every change, so a Service whose object and slice objects are the
 * same as last time yields the same ServicePortInfo objects, and later stages can compare by
 * identity instead of by content.
 */
export class ModelCache {
  private entries = new Map<Service, { slices: EndpointSlice[]; key: string; ports: ServicePortInfo[] }>();
  private next = new Map<Service, { slices: EndpointSlice[]; key: string; ports: ServicePortInfo[] }>();
  /** The ports of `svc` when its inputs are unchanged, else undefined. */
  get(svc: Service, slices: EndpointSlice[], key: string): ServicePortInfo[] | undefined {
    const hit = this.entries.get(svc);
    if (!hit || hit.key !== key || hit.slices.length !== slices.length || hit.slices.some((s, i) => s !== slices[i])) return undefined;
    this.next.set(svc, hit);
    return hit.ports;
  }
  set(svc: Service, slices: EndpointSlice[], key: string, ports: ServicePortInfo[]): void {
    this.next.set(svc, { slices, key, ports });
  }
  /** Ends a build: entries of Services not seen in it are dropped. */
  finish(): void {
    this.entries = this.next;
    this.next = new Map();
  }
}

/**
 * Builds the service ports to program. Skipped (no rules): ExternalName services, headless
 * services (clusterIP None), non-IPv4 cluster IPs, and SCTP ports when `sctpSupported` is false.
 * The result is sorted by portName so rendering is deterministic.
 */
export function buildServicePorts(
  services: Service[],
  slices: EndpointSlice[],
  node: NodeInfo,
  opts: { sctpSupported?: boolean } = {},
  cache?: ModelCache,
): ServicePortInfo[] {
  const cacheKey = `${node.name}|${node.addresses.join(',')}|${opts.sctpSupported ? 1 : 0}`;
  // 1. Index slices by "ns/service".
  const byService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svcName = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svcName) continue;
    const k = `${s.metadata.namespace ?? 'default'}/${svcName}`;
    const list = byService.get(k);
    if (list) list.push(s);
    else byService.set(k, [s]);
  }
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    // 2. Skip services that get no rules.
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') continue;
    const clusterIP = spec.clusterIPs?.find(isIPv4) ?? spec.clusterIP;
    if (!isIPv4(clusterIP)) continue;
    const ns = svc.metadata.namespace ?? 'default';
    const svcSlices = byService.get(`${ns}/${svc.metadata.name}`) ?? [];
    const cached = cache?.get(svc, svcSlices, cacheKey);
    if (cached) {
      for (const info of cached) out.push(info);
      continue;
    }
    const mine: ServicePortInfo[] = [];
    const isNodePortType = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    const lbIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(isIPv4);
    for (const port of spec.ports ?? []) {
      const protocol = port.protocol ?? 'TCP';
      if (protocol === 'SCTP' && !opts.sctpSupported) continue;
      // 3. Categorise endpoints for cluster and local policies.
      const all = endpointsFor(svcSlices, port, node);
      const info: ServicePortInfo = {
        namespace: ns,
        name: svc.metadata.name ?? '',
        portName: servicePortName(svc, port),
        protocol,
        clusterIP,
        port: port.port,
        nodePort: isNodePortType && port.nodePort ? port.nodePort : undefined,
        externalIPs: (spec.externalIPs ?? []).filter(isIPv4),
        loadBalancerIPs: spec.type === 'LoadBalancer' ? lbIPs : [],
        affinitySeconds:
          spec.sessionAffinity === 'ClientIP'
            ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS
            : undefined,
        internalLocal: spec.internalTrafficPolicy === 'Local',
        externalLocal: spec.externalTrafficPolicy === 'Local' && (isNodePortType || (spec.externalIPs ?? []).length > 0),
        healthCheckNodePort: spec.externalTrafficPolicy === 'Local' ? spec.healthCheckNodePort : undefined,
        clusterEndpoints: chooseEndpoints(all),
        localEndpoints: chooseEndpoints(all.filter((e) => e.local)),
      };
      mine.push(info);
      out.push(info);
    }
    cache?.set(svc, svcSlices, cacheKey, mine);
  }
  cache?.finish();
  out.sort((a, b) => (a.portName < b.portName ? -1 : a.portName > b.portName ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
  return out;
}

/** True when the service port accepts traffic from outside the cluster (NodePort, externalIPs, LB). */
export function externallyAccessible(sp: ServicePortInfo): boolean {
  return sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}
