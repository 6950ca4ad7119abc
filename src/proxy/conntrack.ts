// Stale UDP conntrack entries: after endpoints go away (or a service gains its first endpoint)
// existing UDP flows would keep their old NAT; they are deleted with the conntrack tool.
import type { ServicePortInfo } from './model.js';
import type { CommandRunner } from './exec.js';

/** One conntrack deletion: flows to `origDst` (and port), optionally only those NATed to `dstNat`. */
export interface ConntrackDeletion {
  origDst: string;
  port?: number;
  dstNat?: string;
}

/**
 * Pure: which UDP flows to delete going from `prev` to `next`:
 * 1. endpoints removed from a UDP service port -> flows to its cluster IP NATed to that endpoint;
 * 2. a UDP service port going from no endpoints to some -> flows to its cluster IP and port
 *    (they may be cached as rejected).
 */
export function staleUDP(prev: ServicePortInfo[], next: ServicePortInfo[]): ConntrackDeletion[] {
  const key = (s: ServicePortInfo) => `${s.portName}/${s.protocol}`;
  const prevBy = new Map(prev.map((s) => [key(s), s]));
  const nextBy = new Map(next.map((s) => [key(s), s]));
  const out: ConntrackDeletion[] = [];
  const eps = (s: ServicePortInfo | undefined) => new Set([...(s?.clusterEndpoints ?? []), ...(s?.localEndpoints ?? [])].map((e) => e.ip));
  for (const [k, p] of prevBy) {
    if (p.protocol !== 'UDP') continue;
    const n = nextBy.get(k);
    const nowEps = eps(n);
    for (const ip of eps(p)) if (!nowEps.has(ip)) out.push({ origDst: p.clusterIP, dstNat: ip });
  }
  for (const [k, n] of nextBy) {
    if (n.protocol !== 'UDP') continue;
    if (eps(prevBy.get(k)).size === 0 && eps(n).size > 0) out.push({ origDst: n.clusterIP, port: n.port });
  }
  return out;
}

/** Deletes conntrack flows. */
export interface Conntrack {
  deleteUDP(d: ConntrackDeletion): Promise<void>;
}

/** Runs `conntrack -D -p udp ...`; "no entries" (exit 1) is not an error. */
export class ExecConntrack implements Conntrack {
  constructor(private readonly runner: CommandRunner) {}
  async deleteUDP(d: ConntrackDeletion): Promise<void> {
    const args = ['-D', '-p', 'udp', '--orig-dst', d.origDst];
    if (d.port !== undefined) args.push('--orig-port-dst', String(d.port));
    if (d.dstNat) args.push('--dst-nat', d.dstNat);
    const r = await this.runner.run('conntrack', args);
    if (r.code !== 0 && r.code !== 1) throw new Error(`conntrack ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  }
}

/** Records deletions, for tests. */
export class FakeConntrack implements Conntrack {
  readonly deleted: ConntrackDeletion[] = [];
  async deleteUDP(d: ConntrackDeletion): Promise<void> {
    this.deleted.push(d);
  }
}
