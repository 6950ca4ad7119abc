// Pure step 2 of rendering: service ports -> the nat and filter chains of upstream kube-proxy's
// iptables mode, as rule lines ready for iptables-restore. No I/O here.
import type { Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import { extChain, sepChain, svcChain, svlChain } from './chainnames.js';
import { buildServicePorts, externallyAccessible, ModelCache, type EndpointInfo, type NodeInfo, type ServicePortInfo } from './model.js';

/** One chain and its rules, each rule a complete "-A CHAIN ..." line. */
export interface Chain {
  name: string;
  rules: string[];
}

/** A rule in a built-in chain jumping to one of ours; ensured present, never flushed. */
export interface JumpRule {
  table: 'nat' | 'filter';
  /** Built-in chain, e.g. PREROUTING. */
  chain: string;
  /** Our chain it jumps to. */
  target: string;
  /** The match arguments and target, as iptables arguments (without -A/-I CHAIN). */
  args: string[];
}

/** Options of a render. */
export interface RenderOptions {
  /** Pod network; traffic to a ClusterIP from outside it is masqueraded. */
  clusterCIDR?: string;
  /** CIDRs whose node addresses accept NodePorts; empty/undefined = every local address. */
  nodePortAddresses?: string[];
  /** Bit of the fwmark meaning "masquerade this"; default 14 (0x4000). */
  masqueradeBit?: number;
  /** Whether the kernel supports SCTP NAT; SCTP ports are skipped otherwise. */
  sctpSupported?: boolean;
}

/** The rendered rule set. `nat`/`filter` list our chains in write order (fixed chains first). */
export interface RuleSet {
  nat: Chain[];
  filter: Chain[];
  jumps: JumpRule[];
  servicePorts: ServicePortInfo[];
  /** Number of rules (lines) over both tables, for metrics. */
  ruleCount: number;
  /**
   * The per-service nat chains of each service port ("name/protocol"), the same array object
   * between renders while the port is unchanged (RenderCache), so a diff can skip it by identity.
   */
  perServiceGroups: Map<string, Chain[]>;
}

/** The chains every sync writes in full (not per service). */
export const FIXED_NAT_CHAINS = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'] as const;
export const FIXED_FILTER_CHAINS = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL'] as const;

const SERVICE_PORTALS = 'kubernetes service portals';

/** The jump rules from built-in chains, as upstream installs them (each prepended). */
export function jumpRules(): JumpRule[] {
  const ctNew = ['-m', 'conntrack', '--ctstate', 'NEW'];
  const j = (table: 'nat' | 'filter', chain: string, target: string, comment: string, extra: string[] = []): JumpRule => ({
    table,
    chain,
    target,
    args: ['-m', 'comment', '--comment', comment, ...extra, '-j', target],
  });
  return [
    j('filter', 'INPUT', 'KUBE-EXTERNAL-SERVICES', 'kubernetes externally-visible service portals', ctNew),
    j('filter', 'FORWARD', 'KUBE-EXTERNAL-SERVICES', 'kubernetes externally-visible service portals', ctNew),
    j('filter', 'INPUT', 'KUBE-NODEPORTS', 'kubernetes health check service ports'),
    j('filter', 'FORWARD', 'KUBE-SERVICES', SERVICE_PORTALS, ctNew),
    j('filter', 'OUTPUT', 'KUBE-SERVICES', SERVICE_PORTALS, ctNew),
    j('filter', 'FORWARD', 'KUBE-FORWARD', 'kubernetes forwarding rules'),
    j('filter', 'INPUT', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', ctNew),
    j('filter', 'OUTPUT', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', ctNew),
    j('filter', 'FORWARD', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', ctNew),
    j('nat', 'OUTPUT', 'KUBE-SERVICES', SERVICE_PORTALS),
    j('nat', 'PREROUTING', 'KUBE-SERVICES', SERVICE_PORTALS),
    j('nat', 'POSTROUTING', 'KUBE-POSTROUTING', 'kubernetes postrouting rules'),
  ];
}

/** Quotes an argument for iptables-restore when it holds spaces (comments). */
export function quoteArg(a: string): string {
  if (a.indexOf(' ') < 0 && a.indexOf('"') < 0 && a.indexOf('\t') < 0) return a;
  return `"${a.replace(/"/g, '\\"')}"`;
}

/** Probability of taking rule i of n remaining, formatted as upstream ("%0.10f"). */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

/**
 * Collects rules per chain in first-use order. Chains merged from cached fragments are shared,
 * not copied (a render reuses most of them unchanged); one is copied only if rules are added to it.
 */
class ChainWriter {
  private readonly chains = new Map<string, Chain>();
  private readonly shared = new Set<string>();
  declare(name: string): void {
    if (!this.chains.has(name)) this.chains.set(name, { name, rules: [] });
  }
  add(chain: string, args: string[]): void {
    this.own(chain).rules.push(['-A', chain, ...args].map(quoteArg).join(' '));
  }
  list(): Chain[] {
    return [...this.chains.values()];
  }
  /** Appends another writer's chains (rules after ours for shared chains). */
  merge(chains: Chain[]): void {
    for (const c of chains) {
      if (!this.chains.has(c.name)) {
        this.chains.set(c.name, c);
        this.shared.add(c.name);
      } else {
        const mine = this.own(c.name);
        for (const r of c.rules) mine.rules.push(r);
      }
    }
  }
  /** The chain, made private to this writer (copied if shared), created if absent. */
  private own(name: string): Chain {
    let c = this.chains.get(name);
    if (!c) this.chains.set(name, (c = { name, rules: [] }));
    else if (this.shared.delete(name)) this.chains.set(name, (c = { name, rules: [...c.rules] }));
    return c;
  }
}

/** The rules one service port contributes, cached between renders by fingerprint. */
interface Fragment {
  nat: Chain[];
  perSvc: Chain[];
  filter: Chain[];
}

/**
 * Memo of per-service-port fragments between renders (owned by one proxier; not shared).
 * A port whose model is unchanged reuses its rule lines: hashing chain names and formatting
 * rules dominate render time, and partial syncs change few ports.
 */
export class RenderCache {
  private entries = new Map<string, { sp: ServicePortInfo; fp: string; frag: Fragment }>();
  private optsKey = '';
  /** Model memo used by `render` with this cache. */
  readonly model = new ModelCache();
  /** Fragment for `sp`, rendered by `make` when absent or changed. */
  fragment(sp: ServicePortInfo, optsKey: string, make: () => Fragment, seen: Set<string>): Fragment {
    if (optsKey !== this.optsKey) {
      this.entries.clear();
      this.optsKey = optsKey;
    }
    const key = portKey(sp);
    seen.add(key);
    const hit = this.entries.get(key);
    if (hit && hit.sp === sp) return hit.frag;
    const fp = JSON.stringify(sp);
    if (hit && hit.fp === fp) {
      hit.sp = sp;
      return hit.frag;
    }
    const frag = make();
    this.entries.set(key, { sp, fp, frag });
    return frag;
  }
  /** Drops entries of ports not seen in the last render. */
  prune(seen: Set<string>): void {
    for (const k of this.entries.keys()) if (!seen.has(k)) this.entries.delete(k);
  }
}

/** A service port's key in RenderCache and RuleSet.perServiceGroups. */
function portKey(sp: ServicePortInfo): string {
  return `${sp.portName}/${sp.protocol}`;
}

function comment(c: string): string[] {
  return ['-m', 'comment', '--comment', c];
}

/**
 * Renders the rule set. Steps:
 * 1. build the service-port model; 2. write the fixed chains' heads; 3. per service port write
 * the ClusterIP/externalIP/NodePort dispatch, its SVC/SVL/EXT chains and SEP chains, or filter
 * REJECT/DROP rules when it has no (local) endpoints; 4. close KUBE-SERVICES with the NodePort jump.
 */
export function render(
  services: Service[],
  endpointSlices: EndpointSlice[],
  node: NodeInfo,
  opts: RenderOptions = {},
  cache?: RenderCache,
): RuleSet {
  // 1. Model.
  const servicePorts = buildServicePorts(services, endpointSlices, node, { sctpSupported: opts.sctpSupported }, cache?.model);
  return renderServicePorts(servicePorts, node, opts, cache);
}

/** Renders from an already built model (see `render`); `cache` reuses unchanged ports' rules. */
export function renderServicePorts(servicePorts: ServicePortInfo[], node: NodeInfo, opts: RenderOptions = {}, cache?: RenderCache): RuleSet {
  const mark = `0x${(1 << (opts.masqueradeBit ?? 14)).toString(16)}`;
  const nat = new ChainWriter();
  const filter = new ChainWriter();
  // 2. Fixed chains, declared first so they are written first.
  for (const c of FIXED_NAT_CHAINS) nat.declare(c);
  for (const c of FIXED_FILTER_CHAINS) filter.declare(c);
  nat.add('KUBE-POSTROUTING', ['-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN']);
  nat.add('KUBE-POSTROUTING', ['-j', 'MARK', '--xor-mark', mark]);
  nat.add('KUBE-POSTROUTING', [...comment('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE', '--random-fully']);
  nat.add('KUBE-MARK-MASQ', ['-j', 'MARK', '--or-mark', mark]);
  filter.add('KUBE-FORWARD', ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP']);
  filter.add('KUBE-FORWARD', [...comment('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT']);
  filter.add('KUBE-FORWARD', [...comment('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);

  // 3. Per service port.
  // Per-service chains are named after their own service port, so fragments never share one:
  // they are collected as they are, without a per-chain merge.
  const perServiceNat: Chain[] = [];
  const perServiceGroups = new Map<string, Chain[]>();
  let ruleCount = 0;
  const optsKey = JSON.stringify(opts);
  const seen = new Set<string>();
  const make = (sp: ServicePortInfo) => (): Fragment => {
    const [n, p, f] = [new ChainWriter(), new ChainWriter(), new ChainWriter()];
    writeServicePort(sp, n, p, f, opts);
    return { nat: n.list(), perSvc: p.list(), filter: f.list() };
  };
  for (const sp of servicePorts) {
    const frag = cache ? cache.fragment(sp, optsKey, make(sp), seen) : make(sp)();
    nat.merge(frag.nat);
    perServiceGroups.set(portKey(sp), frag.perSvc);
    for (const c of frag.perSvc) {
      perServiceNat.push(c);
      ruleCount += c.rules.length;
    }
    filter.merge(frag.filter);
  }
  cache?.prune(seen);

  // 4. NodePort dispatch: must be the last rule of KUBE-SERVICES.
  const npComment = comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain');
  const npCidrs = opts.nodePortAddresses ?? [];
  if (npCidrs.length === 0 || npCidrs.some((c) => c === '0.0.0.0/0')) {
    nat.add('KUBE-SERVICES', [...npComment, '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'KUBE-NODEPORTS']);
  } else {
    for (const addr of node.addresses.filter((a) => npCidrs.some((c) => cidrContains(c, a)))) {
      nat.add('KUBE-SERVICES', [...npComment, '-d', addr, '-j', 'KUBE-NODEPORTS']);
    }
  }
  const fixedNat = nat.list();
  const filterChains = filter.list();
  for (const c of fixedNat) ruleCount += c.rules.length;
  for (const c of filterChains) ruleCount += c.rules.length;
  const natChains = fixedNat.concat(perServiceNat);
  return { nat: natChains, filter: filterChains, jumps: jumpRules(), servicePorts, ruleCount, perServiceGroups };
}

function writeServicePort(sp: ServicePortInfo, nat: ChainWriter, perSvc: ChainWriter, filter: ChainWriter, opts: RenderOptions): void {
  // 1. Names and which chains this port needs (upstream's usesClusterPolicyChain etc.).
  const proto = sp.protocol.toLowerCase();
  const name = sp.portName;
  const svc = svcChain(name, proto);
  const svl = svlChain(name, proto);
  const ext = extChain(name, proto);
  const accessible = externallyAccessible(sp);
  const usesCluster = sp.clusterEndpoints.length > 0 && (!sp.internalLocal || accessible);
  const usesLocal = sp.localEndpoints.length > 0 && (sp.internalLocal || (sp.externalLocal && accessible));
  const internalChain = sp.internalLocal ? svl : svc;
  const externalPolicyChain = sp.externalLocal ? svl : svc;
  const hasInternal = (sp.internalLocal ? sp.localEndpoints : sp.clusterEndpoints).length > 0;
  const hasExternal = (sp.externalLocal ? sp.localEndpoints : sp.clusterEndpoints).length > 0;
  const hasEndpoints = sp.clusterEndpoints.length > 0 || sp.localEndpoints.length > 0;
  const usesExt = hasEndpoints && accessible;
  const protoArgs = ['-m', proto, '-p', proto];
  const noEpTarget = hasEndpoints ? 'DROP' : 'REJECT';
  const noEpComment = hasEndpoints ? `${name} has no local endpoints` : `${name} has no endpoints`;
  const vip = [...comment(`${name} cluster IP`), ...protoArgs, '-d', sp.clusterIP, '--dport', String(sp.port)];

  // 2. ClusterIP capture, or a filter rule when there are no internal endpoints.
  if (hasInternal) nat.add('KUBE-SERVICES', [...vip, '-j', internalChain]);
  else filter.add('KUBE-SERVICES', [...comment(noEpComment), ...protoArgs, '-d', sp.clusterIP, '--dport', String(sp.port), '-j', noEpTarget]);

  // 3. External IPs and load-balancer IPs.
  for (const [ip, kind] of [...sp.externalIPs.map((i) => [i, 'external IP']), ...sp.loadBalancerIPs.map((i) => [i, 'loadbalancer IP'])]) {
    if (hasEndpoints) nat.add('KUBE-SERVICES', [...comment(`${name} ${kind}`), ...protoArgs, '-d', ip!, '--dport', String(sp.port), '-j', ext]);
    if (!hasExternal) filter.add('KUBE-EXTERNAL-SERVICES', [...comment(noEpComment), ...protoArgs, '-d', ip!, '--dport', String(sp.port), '-j', noEpTarget]);
  }

  // 4. NodePort.
  if (sp.nodePort !== undefined) {
    if (hasEndpoints) nat.add('KUBE-NODEPORTS', [...comment(name), ...protoArgs, '--dport', String(sp.nodePort), '-j', ext]);
    if (!hasExternal) {
      filter.add('KUBE-EXTERNAL-SERVICES', [...comment(noEpComment), '-m', 'addrtype', '--dst-type', 'LOCAL', ...protoArgs, '--dport', String(sp.nodePort), '-j', noEpTarget]);
    }
  }
  if (sp.healthCheckNodePort !== undefined) {
    filter.add('KUBE-NODEPORTS', [...comment(`${name} health check node port`), '-m', 'tcp', '-p', 'tcp', '--dport', String(sp.healthCheckNodePort), '-j', 'ACCEPT']);
  }

  // 5. Internal traffic: masquerade off-cluster sources reaching the VIP.
  if (hasInternal) {
    const masq = opts.clusterCIDR ? ['!', '-s', opts.clusterCIDR] : [];
    if (opts.clusterCIDR) perSvc.add(internalChain, [...vip, ...masq, '-j', 'KUBE-MARK-MASQ']);
  }

  // 6. The EXT chain.
  if (usesExt) {
    if (!sp.externalLocal) {
      perSvc.add(ext, [...comment(`masquerade traffic for ${name} external destinations`), '-j', 'KUBE-MARK-MASQ']);
    } else {
      if (opts.clusterCIDR) perSvc.add(ext, [...comment(`pod traffic for ${name} external destinations`), '-s', opts.clusterCIDR, '-j', svc]);
      perSvc.add(ext, [...comment(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'KUBE-MARK-MASQ']);
      perSvc.add(ext, [...comment(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svc]);
    }
    if (hasExternal) perSvc.add(ext, ['-j', externalPolicyChain]);
  }

  // 7. Policy chains (cluster and/or local) spreading over endpoints, then SEP chains.
  const sepNames = new Map<string, string>();
  const sepName = (e: EndpointInfo): string => {
    let n = sepNames.get(e.key);
    if (!n) sepNames.set(e.key, (n = sepChain(name, proto, e.key)));
    return n;
  };
  if (usesCluster) writePolicyChain(svc, sp, sp.clusterEndpoints, perSvc, sepName);
  if (usesLocal) writePolicyChain(svl, sp, sp.localEndpoints, perSvc, sepName);
  const seps = new Map<string, EndpointInfo>();
  if (usesCluster) for (const e of sp.clusterEndpoints) seps.set(e.key, e);
  if (usesLocal) for (const e of sp.localEndpoints) seps.set(e.key, e);
  for (const e of seps.values()) {
    const sep = sepName(e);
    perSvc.add(sep, [...comment(name), '-s', e.ip, '-j', 'KUBE-MARK-MASQ']);
    const affinity = sp.affinitySeconds !== undefined ? ['-m', 'recent', '--name', sep, '--set'] : [];
    perSvc.add(sep, [...comment(name), ...affinity, ...protoArgs, '-j', 'DNAT', '--to-destination', e.key]);
  }
}

function writePolicyChain(chain: string, sp: ServicePortInfo, eps: EndpointInfo[], perSvc: ChainWriter, sepName: (e: EndpointInfo) => string): void {
  perSvc.declare(chain);
  // 1. Affinity: a client seen recently goes back to the same endpoint.
  if (sp.affinitySeconds !== undefined) {
    for (const e of eps) {
      const sep = sepName(e);
      perSvc.add(chain, [...comment(`${sp.portName} -> ${e.key}`), '-m', 'recent', '--name', sep, '--rcheck', '--seconds', String(sp.affinitySeconds), '--reap', '-j', sep]);
    }
  }
  // 2. Even random spread: rule i of n taken with probability 1/(n-i); the last always.
  eps.forEach((e, i) => {
    const sep = sepName(e);
    const stat = i < eps.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(eps.length - i)] : [];
    perSvc.add(chain, [...comment(`${sp.portName} -> ${e.key}`), ...stat, '-j', sep]);
  });
}

/** True when IPv4 `ip` is inside `cidr` ("a.b.c.d/n"). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsStr] = cidr.split('/');
  const bits = bitsStr === undefined ? 32 : Number(bitsStr);
  const toNum = (s: string) => s.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  if (bits === 0) return true;
  const mask = (~0 << (32 - bits)) >>> 0;
  return ((toNum(base!) & mask) >>> 0) === ((toNum(ip) & mask) >>> 0);
}
