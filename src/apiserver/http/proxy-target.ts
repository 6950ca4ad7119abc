// Where a proxy subresource request goes (pure): parsing `[scheme:]name[:port]` and the path after
// `/proxy`, and choosing the backend of pods/proxy, services/proxy and nodes/proxy as upstream does.
import type { EndpointSlice, Node, Pod, Service } from '../../api/types/index.js';
import { errors } from '../errors.js';

/** `[scheme:]name[:port]` as upstream's SplitSchemeNamePort reads it. */
export interface SchemeNamePort {
  scheme: '' | 'http' | 'https';
  name: string;
  port: string;
}

/** Parses a proxy name segment; undefined when malformed (no name, a scheme other than http/https, too many colons). */
export function splitSchemeNamePort(id: string): SchemeNamePort | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (!name) return undefined;
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') return undefined;
  return { scheme: scheme as SchemeNamePort['scheme'], name, port };
}

/**
 * The backend path of a proxy request: what follows the `proxy` segment of the raw (still
 * percent-encoded) request path, "/" when nothing does. Undefined when `rawPath` is not a proxy path.
 */
export function proxiedPath(rawPath: string): string | undefined {
  const m = /^\/api\/v1\/(?:namespaces\/[^/]+\/(?:pods|services)|nodes)\/[^/]+\/proxy(\/.*)?$/.exec(rawPath);
  if (!m) return undefined;
  return m[1] ?? '/';
}

/** A resolved backend: plain or TLS, host and port; `kubelet` means dial with the kubelet client certificate. */
export interface ProxyTarget {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  kubelet?: boolean;
}

function portNumber(p: string): number | undefined {
  if (!/^\d+$/.test(p)) return undefined;
  const n = Number(p);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** pods/proxy: the pod IP and the asked port, else the first declared container port, else 80. */
export function podTarget(pod: Pod, id: SchemeNamePort): ProxyTarget {
  const ip = pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
  if (!ip) throw errors.badRequest(`address not allowed: pod ${pod.metadata.name} has no IP`);
  let port = 80;
  const containers = pod.spec.containers ?? [];
  if (id.port) {
    const byNumber = portNumber(id.port);
    const byName = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === id.port)?.containerPort;
    const chosen = byNumber ?? byName;
    if (chosen === undefined) throw errors.badRequest(`invalid port "${id.port}" for pod ${pod.metadata.name}`);
    port = chosen;
  } else {
    const first = containers.find((c) => c.ports?.length)?.ports?.[0]?.containerPort;
    if (first) port = first;
  }
  return { scheme: id.scheme || 'http', host: ip, port };
}

/**
 * services/proxy: 1. the service port named (or numbered) in the id, the only port when none is
 * given; 2. the EndpointSlice ports of that name; 3. a ready endpoint at random. 503 when none.
 */
export function serviceTarget(svc: Service, slices: EndpointSlice[], id: SchemeNamePort, random: () => number): ProxyTarget {
  const svcName = svc.metadata.name!;
  const ports = svc.spec?.ports ?? [];
  let portName = id.port;
  const asNumber = portNumber(id.port);
  if (asNumber !== undefined) {
    const sp = ports.find((p) => p.port === asNumber);
    if (!sp) throw errors.unavailable(`no service port ${asNumber} found for service "${svcName}"`);
    portName = sp.name ?? '';
  } else if (!id.port && ports.length === 1) {
    portName = ports[0]!.name ?? '';
  }
  const candidates: ProxyTarget[] = [];
  for (const s of slices) {
    if (s.addressType === 'FQDN') continue;
    const port = (s.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP')?.port;
    if (!port) continue;
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const a of ep.addresses.slice(0, 1)) candidates.push({ scheme: id.scheme || 'http', host: a, port });
    }
  }
  if (!candidates.length) throw errors.unavailable(`no endpoints available for service "${id.port ? `${svcName}:${id.port}` : svcName}"`);
  return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))]!;
}

/** The kubelet's address on a node: its InternalIP and the port it reported. */
export function kubeletEndpoint(node: Node | undefined): { host: string; port: number } | undefined {
  const host = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node?.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  return host && port ? { host, port } : undefined;
}

/** nodes/proxy: the kubelet (TLS with the client certificate) unless another port is asked for. */
export function nodeTarget(node: Node, id: SchemeNamePort, kubeletTls: boolean): ProxyTarget {
  const k = kubeletEndpoint(node);
  if (!k) throw errors.unavailable(`no kubelet is reachable for node ${node.metadata.name}: the node has not reported an InternalIP and kubelet port`);
  if (!id.port || portNumber(id.port) === k.port) return { scheme: kubeletTls ? 'https' : 'http', host: k.host, port: k.port, kubelet: true };
  const port = portNumber(id.port);
  if (port === undefined) throw errors.badRequest(`invalid port "${id.port}" for node ${node.metadata.name}`);
  return { scheme: id.scheme || 'http', host: k.host, port };
}
