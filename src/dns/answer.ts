// Pure DNS answering for the cluster zone: query packet + cluster state -> response packet,
// or undefined when the name is not ours (the server then forwards it upstream).
// Names follow the Kubernetes DNS spec (github.com/kubernetes/dns/blob/master/docs/specification.md).
import type { Answer, Packet, Question, RecordType } from 'dns-packet';
import type { Service } from '../api/types/core.js';
import { clusterIPsOf, type ClusterState, type DnsEndpoint } from './state.js';

/** DNS header bits and rcodes used here (RFC 1035 / 6891). */
export const FLAG_AA = 1 << 10;
export const FLAG_TC = 1 << 9;
export const FLAG_RD = 1 << 8;
export const FLAG_RA = 1 << 7;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Options of the answer function. */
export interface AnswerOptions {
  /** Cluster domain, e.g. "cluster.local". */
  domain: string;
  /** TTL of every record (seconds); default 5 as CoreDNS's kubernetes plugin. */
  ttl?: number;
  /** SOA serial; default 1. */
  serial?: number;
  /** Address answered for the zone's name server "ns.dns.<domain>", if known. */
  nsIP?: string;
}

/** Records at one name, or NXDOMAIN. `additionals` hold glue for SRV targets. */
type Lookup = { nx: true } | { nx: false; records: Answer[]; additionals: Answer[] };

const NX: Lookup = { nx: true };

/** The rcode of a (decoded) packet. */
export function rcodeOf(p: Packet): number {
  return (p.flags ?? 0) & 0xf;
}

/** The SOA record of the zone. */
export function soaRecord(opts: AnswerOptions): Answer {
  const zone = opts.domain.toLowerCase();
  return {
    type: 'SOA',
    name: zone,
    ttl: opts.ttl ?? 5,
    class: 'IN',
    data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: opts.serial ?? 1, refresh: 7200, retry: 1800, expire: 86400, minimum: opts.ttl ?? 5 },
  };
}

/** Builds a response skeleton echoing the query's id, question and RD bit. */
export function responseFor(q: Packet, rcode: number, authoritative: boolean): Packet {
  return {
    id: q.id ?? 0,
    type: 'response',
    flags: (authoritative ? FLAG_AA : 0) | ((q.flags ?? 0) & FLAG_RD) | FLAG_RA | rcode,
    questions: q.questions ?? [],
    answers: [],
    authorities: [],
    additionals: [],
  };
}

/**
 * Answers `q` from `state` when its (first) question is in the cluster zone or is a PTR for a
 * known cluster/pod IP. Steps: 1. validate; 2. reverse names; 3. zone names -> records at the
 * name; 4. pick the asked type (a CNAME answers every type), NODATA (+SOA) or NXDOMAIN (+SOA).
 */
export function answer(q: Packet, state: ClusterState, opts: AnswerOptions): Packet | undefined {
  // 1. Exactly one question, class IN.
  const question = q.questions?.[0];
  if (!question || (q.questions?.length ?? 0) !== 1) return responseFor(q, RCODE.FORMERR, false);
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const zone = opts.domain.toLowerCase().replace(/\.$/, '');
  const ttl = opts.ttl ?? 5;
  // 2. Reverse lookups we know; others are forwarded.
  if (name.endsWith('.in-addr.arpa')) return reverse(q, question, name, state, zone, ttl);
  if (name !== zone && !name.endsWith(`.${zone}`)) return undefined;
  if (question.class && question.class !== 'IN') return responseFor(q, RCODE.REFUSED, true);
  // 3. Records at the name.
  const rel = name === zone ? [] : name.slice(0, name.length - zone.length - 1).split('.');
  const found = lookup(rel, state, zone, ttl, opts);
  if (found.nx) {
    const r = responseFor(q, RCODE.NXDOMAIN, true);
    r.authorities = [soaRecord(opts)];
    return r;
  }
  // 4. Select by type.
  const r = responseFor(q, RCODE.NOERROR, true);
  const cname = found.records.filter((a) => a.type === 'CNAME');
  const want = question.type as RecordType | 'ANY';
  const picked = want === 'ANY' ? found.records : cname.length > 0 && want !== 'CNAME' ? cname : found.records.filter((a) => a.type === want);
  r.answers = picked.map((a) => ({ ...a, name: question.name.replace(/\.$/, '') }));
  if (picked.length === 0) r.authorities = [soaRecord(opts)];
  if (picked.some((a) => a.type === 'SRV')) r.additionals = found.additionals;
  return r;
}

function reverse(q: Packet, question: Question, name: string, state: ClusterState, zone: string, ttl: number): Packet | undefined {
  const octets = name.slice(0, -'.in-addr.arpa'.length).split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return undefined;
  const ip = [...octets].reverse().join('.');
  // 1. Service cluster IPs, then endpoints of headless services, then pods.
  const targets: string[] = state.servicesByClusterIP(ip).map((s) => `${s.metadata.name}.${s.metadata.namespace ?? 'default'}.svc.${zone}`);
  if (targets.length === 0) {
    for (const e of state.endpointsByIP(ip)) {
      const svc = state.service(e.namespace, e.service);
      if (svc && isHeadless(svc)) targets.push(`${endpointLabel(e.endpoint)}.${e.service}.${e.namespace}.svc.${zone}`);
    }
  }
  if (targets.length === 0) {
    for (const p of state.podsByIP(ip)) targets.push(`${dashed(ip)}.${p.metadata.namespace ?? 'default'}.pod.${zone}`);
  }
  if (targets.length === 0) return undefined;
  const r = responseFor(q, RCODE.NOERROR, true);
  if (question.type === 'PTR' || (question.type as string) === 'ANY') {
    r.answers = [...new Set(targets)].map((t) => ({ type: 'PTR', name: question.name.replace(/\.$/, ''), ttl, class: 'IN', data: t }));
  }
  return r;
}

function isHeadless(s: Service): boolean {
  return s.spec.type !== 'ExternalName' && clusterIPsOf(s).length === 0;
}

/** "10.1.2.3" -> "10-1-2-3"; IPv6 ':' -> '-'. */
export function dashed(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

function endpointLabel(e: DnsEndpoint): string {
  return (e.hostname ?? dashed(e.ip)).toLowerCase();
}

function addressRecord(name: string, ip: string, ttl: number): Answer {
  return ip.includes(':') ? { type: 'AAAA', name, ttl, class: 'IN', data: ip } : { type: 'A', name, ttl, class: 'IN', data: ip };
}

function servedEndpoints(svc: Service, eps: DnsEndpoint[]): DnsEndpoint[] {
  return svc.spec.publishNotReadyAddresses ? eps : eps.filter((e) => e.ready);
}

/** Records at a name below the zone, given its labels (leftmost first). */
function lookup(rel: string[], state: ClusterState, zone: string, ttl: number, opts: AnswerOptions): Lookup {
  const ok = (records: Answer[], additionals: Answer[] = []): Lookup => ({ nx: false, records, additionals });
  const n = rel.length;
  // 1. The apex and the fixed empty non-terminals.
  if (n === 0) return ok([soaRecord(opts), { type: 'NS', name: zone, ttl, class: 'IN', data: `ns.dns.${zone}` }]);
  if (n === 2 && rel[0] === 'ns' && rel[1] === 'dns') return ok(opts.nsIP ? [addressRecord(`ns.dns.${zone}`, opts.nsIP, ttl)] : []);
  if (n === 1 && (rel[0] === 'svc' || rel[0] === 'pod' || rel[0] === 'dns')) return ok([]);
  const kind = rel[n - 1];
  // 2. Pods: <a-b-c-d>.<ns>.pod.<zone> (CoreDNS "pods insecure": any well-formed address).
  if (kind === 'pod') {
    if (n === 2) return ok([]);
    if (n !== 3) return NX;
    const ip = rel[0]!.split('-');
    if (ip.length === 4 && ip.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return ok([addressRecord(rel.join('.'), ip.join('.'), ttl)]);
    return NX;
  }
  if (kind !== 'svc') return NX;
  // 3. <ns>.svc.<zone>
  const ns = rel[n - 2]!;
  if (n === 2) return state.hasNamespace(ns) ? ok([]) : NX;
  const svc = state.service(ns, rel[n - 3]!);
  if (!svc) return NX;
  const svcName = rel[n - 3]!;
  const fqdn = `${svcName}.${ns}.svc.${zone}`;
  const headless = isHeadless(svc);
  const eps = servedEndpoints(svc, state.endpoints(ns, svcName));
  const ports = (svc.spec.ports ?? []).map((p) => ({ name: (p.name ?? '').toLowerCase(), port: p.port, protocol: (p.protocol ?? 'TCP').toLowerCase() }));
  // 4. <svc>.<ns>.svc.<zone>
  if (n === 3) {
    if (svc.spec.type === 'ExternalName') return ok(svc.spec.externalName ? [{ type: 'CNAME', name: fqdn, ttl, class: 'IN', data: svc.spec.externalName.replace(/\.$/, '') }] : []);
    if (!headless) {
      const addrs = clusterIPsOf(svc).map((ip) => addressRecord(fqdn, ip, ttl));
      const srv: Answer[] = ports.map((p) => ({ type: 'SRV', name: fqdn, ttl, class: 'IN', data: { priority: 0, weight: 100, port: p.port, target: fqdn } }));
      return ok([...addrs, ...srv], addrs);
    }
    const addrs = eps.map((e) => addressRecord(fqdn, e.ip, ttl));
    const srv: Answer[] = [];
    const glue: Answer[] = [];
    for (const e of eps) {
      const target = `${endpointLabel(e)}.${fqdn}`;
      for (const p of e.ports) srv.push({ type: 'SRV', name: fqdn, ttl, class: 'IN', data: { priority: 0, weight: 100, port: p.port, target } });
      glue.push(addressRecord(target, e.ip, ttl));
    }
    return ok([...addrs, ...srv], glue);
  }
  // 5. _<proto>.<svc>... (empty non-terminal) or <hostname>.<svc>.<ns>.svc.<zone> (headless endpoints).
  if (n === 4) {
    const label = rel[0]!;
    if (label.startsWith('_')) return ports.some((p) => `_${p.protocol}` === label) ? ok([]) : NX;
    if (!headless) return NX;
    const matches = eps.filter((e) => endpointLabel(e) === label);
    return matches.length > 0 ? ok(matches.map((e) => addressRecord(`${label}.${fqdn}`, e.ip, ttl))) : NX;
  }
  // 6. _<port>._<proto>.<svc>.<ns>.svc.<zone>
  if (n === 5 && rel[0]!.startsWith('_') && rel[1]!.startsWith('_')) {
    const portName = rel[0]!.slice(1);
    const proto = rel[1]!.slice(1);
    const name = rel.join('.');
    if (!headless) {
      const p = ports.find((x) => x.name === portName && x.protocol === proto);
      if (!p) return NX;
      return ok([{ type: 'SRV', name, ttl, class: 'IN', data: { priority: 0, weight: 100, port: p.port, target: fqdn } }], clusterIPsOf(svc).map((ip) => addressRecord(fqdn, ip, ttl)));
    }
    const srv: Answer[] = [];
    const glue: Answer[] = [];
    for (const e of eps) {
      const p = e.ports.find((x) => x.name.toLowerCase() === portName && x.protocol.toLowerCase() === proto);
      if (!p) continue;
      const target = `${endpointLabel(e)}.${fqdn}`;
      srv.push({ type: 'SRV', name, ttl, class: 'IN', data: { priority: 0, weight: 100, port: p.port, target } });
      glue.push(addressRecord(target, e.ip, ttl));
    }
    const declared = ports.some((x) => x.name === portName && x.protocol === proto);
    return srv.length > 0 || declared ? ok(srv, glue) : NX;
  }
  return NX;
}
