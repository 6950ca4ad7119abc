// Test helper (pure): a small packet tracer over rendered rules. It walks a packet through
// nat PREROUTING/OUTPUT, filter INPUT/FORWARD/OUTPUT and nat POSTROUTING, following jumps into
// user chains, and enumerates `-m statistic` as a choice so every path comes out with its probability.
import { cidrContains, type RuleSet } from './render.js';
import { tokenize } from './restore.js';

/** A packet entering the node. `local` = originated on the node (OUTPUT hook). */
export interface Packet {
  src: string;
  dst: string;
  dport: number;
  proto: 'tcp' | 'udp' | 'sctp';
  inIface?: string;
  local?: boolean;
}

/** Tracer environment: the node's local addresses and `-m recent` lists (name -> source IPs). */
export interface TraceEnv {
  localAddresses: string[];
  recent?: Map<string, Set<string>>;
}

/** One possible fate of the packet. */
export interface TraceOutcome {
  probability: number;
  verdict: 'ACCEPT' | 'REJECT' | 'DROP';
  /** Destination after NAT, "ip:port". */
  dst: string;
  dnat: boolean;
  masquerade: boolean;
  /** `-m recent --set` lists the packet was added to. */
  recentSet: string[];
  /** User chains entered, in order. */
  chains: string[];
}

type Rules = Map<string, Map<string, string[][]>>;

interface State {
  p: number;
  dst: string;
  dport: number;
  mark: number;
  masq: boolean;
  dnat: boolean;
  recentSet: string[];
  chains: string[];
}

interface Result {
  s: State;
  verdict?: 'ACCEPT' | 'REJECT' | 'DROP' | 'DNAT';
}

/** Builds the tracer's rule tables: our chains plus the jump rules in the built-in chains. */
export function rulesFromRuleSet(rs: RuleSet): Rules {
  const tables: Rules = new Map();
  for (const [name, chains] of [['nat', rs.nat], ['filter', rs.filter]] as const) {
    const t = new Map<string, string[][]>();
    for (const c of chains) t.set(c.name, c.rules.map((r) => tokenize(r).slice(2)));
    tables.set(name, t);
  }
  for (const j of rs.jumps) {
    const t = tables.get(j.table)!;
    t.set(j.chain, [[...j.args], ...(t.get(j.chain) ?? [])]);
  }
  return tables;
}

/** Traces `pkt` through the rules; outcomes with identical fate are not merged. */
export function trace(rs: RuleSet | Rules, pkt: Packet, env: TraceEnv): TraceOutcome[] {
  const rules = rs instanceof Map ? rs : rulesFromRuleSet(rs);
  const local = (ip: string) => env.localAddresses.includes(ip) || ip.startsWith('127.');
  const start: State = { p: 1, dst: pkt.dst, dport: pkt.dport, mark: 0, masq: false, dnat: false, recentSet: [], chains: [] };
  // 1. nat PREROUTING (arriving) or OUTPUT (locally originated).
  const natHook = pkt.local ? 'OUTPUT' : 'PREROUTING';
  const out: TraceOutcome[] = [];
  for (const r1 of walk(rules, 'nat', natHook, start, pkt, env, local)) {
    if (r1.verdict === 'DROP' || r1.verdict === 'REJECT') {
      out.push(finish(r1.s, r1.verdict));
      continue;
    }
    // 2. filter: OUTPUT, INPUT (to this node) or FORWARD.
    const filterHook = pkt.local ? 'OUTPUT' : local(r1.s.dst) ? 'INPUT' : 'FORWARD';
    for (const r2 of walk(rules, 'filter', filterHook, r1.s, pkt, env, local)) {
      if (r2.verdict === 'DROP' || r2.verdict === 'REJECT') {
        out.push(finish(r2.s, r2.verdict));
        continue;
      }
      // 3. nat POSTROUTING (masquerade).
      for (const r3 of walk(rules, 'nat', 'POSTROUTING', r2.s, pkt, env, local)) out.push(finish(r3.s, 'ACCEPT'));
    }
  }
  return out;
}

function finish(s: State, verdict: 'ACCEPT' | 'REJECT' | 'DROP'): TraceOutcome {
  return { probability: s.p, verdict, dst: `${s.dst}:${s.dport}`, dnat: s.dnat, masquerade: s.masq, recentSet: s.recentSet, chains: s.chains };
}

function walk(rules: Rules, table: string, chain: string, s0: State, pkt: Packet, env: TraceEnv, local: (ip: string) => boolean): Result[] {
  const t = rules.get(table);
  const chainRules = t?.get(chain) ?? [];
  let live: State[] = [{ ...s0, chains: chain.startsWith('KUBE-') ? [...s0.chains, chain] : s0.chains }];
  const done: Result[] = [];
  for (const args of chainRules) {
    const next: State[] = [];
    for (const s of live) {
      // 1. Match, possibly splitting on statistic.
      for (const m of matchRule(args, s, pkt, env, local)) {
        if (!m.matched) {
          next.push(m.s);
          continue;
        }
        // 2. Apply the target.
        const target = args[args.indexOf('-j') + 1] ?? '';
        const st = m.s;
        switch (target) {
          case 'ACCEPT':
          case 'DROP':
          case 'REJECT':
            done.push({ s: st, verdict: target });
            break;
          case 'RETURN':
            done.push({ s: st });
            break;
          case 'MARK': {
            const or = args[args.indexOf('--or-mark') + 1];
            const xor = args[args.indexOf('--xor-mark') + 1];
            const ns = { ...st };
            if (args.includes('--or-mark')) ns.mark |= Number(or);
            if (args.includes('--xor-mark')) ns.mark ^= Number(xor);
            next.push(ns);
            break;
          }
          case 'MASQUERADE':
            done.push({ s: { ...st, masq: true }, verdict: 'ACCEPT' });
            break;
          case 'DNAT': {
            const to = args[args.indexOf('--to-destination') + 1]!;
            const [ip, port] = to.split(':');
            done.push({ s: { ...st, dst: ip!, dport: port ? Number(port) : st.dport, dnat: true }, verdict: 'DNAT' });
            break;
          }
          default: {
            if (!t?.has(target)) throw new Error(`tracer: jump to unknown chain ${table}/${target}`);
            for (const r of walk(rules, table, target, st, pkt, env, local)) {
              if (r.verdict) done.push(r);
              else next.push(r.s);
            }
          }
        }
      }
    }
    live = next;
  }
  for (const s of live) done.push({ s });
  return done;
}

interface MatchResult {
  s: State;
  matched: boolean;
}

function matchRule(args: string[], s: State, pkt: Packet, env: TraceEnv, local: (ip: string) => boolean): MatchResult[] {
  let neg = false;
  let ok = true;
  let st = s;
  let statP: number | undefined;
  const check = (cond: boolean) => {
    if (cond === neg) ok = false;
    neg = false;
  };
  for (let i = 0; i < args.length && ok; i++) {
    const a = args[i]!;
    const v = args[i + 1] ?? '';
    switch (a) {
      case '!':
        neg = true;
        continue;
      case '-j':
        i = args.length;
        break;
      case '-m':
      case '--comment':
      case '--mode':
      case '--name':
      case '--seconds':
        i++;
        break;
      case '--reap':
        break;
      case '-p':
        check(v === pkt.proto);
        i++;
        break;
      case '-s':
        check(cidrContains(v, pkt.src));
        i++;
        break;
      case '-d':
        check(cidrContains(v, st.dst));
        i++;
        break;
      case '--dport':
        check(Number(v) === st.dport);
        i++;
        break;
      case '-i':
        check(v === pkt.inIface);
        i++;
        break;
      case '--dst-type':
        check(v === 'LOCAL' ? local(st.dst) : false);
        i++;
        break;
      case '--src-type':
        check(v === 'LOCAL' ? local(pkt.src) || !!pkt.local : false);
        i++;
        break;
      case '--mark': {
        const [val, mask] = v.split('/');
        const m = mask === undefined ? 0xffffffff : Number(mask);
        check((st.mark & m) === (Number(val) & m));
        i++;
        break;
      }
      case '--ctstate':
        check(v.split(',').includes('NEW'));
        i++;
        break;
      case '--probability':
        statP = Number(v);
        i++;
        break;
      case '--rcheck': {
        const name = args[args.indexOf('--name') + 1]!;
        check(env.recent?.get(name)?.has(pkt.src) ?? false);
        break;
      }
      case '--set': {
        const name = args[args.indexOf('--name') + 1]!;
        st = { ...st, recentSet: [...st.recentSet, name] };
        break;
      }
      default:
        throw new Error(`tracer: unsupported rule argument ${a} in: ${args.join(' ')}`);
    }
  }
  if (!ok) return [{ s, matched: false }];
  if (statP === undefined) return [{ s: st, matched: true }];
  return [
    { s: { ...st, p: st.p * statP }, matched: true },
    { s: { ...s, p: s.p * (1 - statP) }, matched: false },
  ];
}

/** Sums outcome probabilities by final destination ("ip:port" or verdict), rounded to 6 places. */
export function spread(outcomes: TraceOutcome[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of outcomes) {
    const k = o.verdict === 'ACCEPT' ? o.dst : o.verdict;
    m.set(k, Math.round(((m.get(k) ?? 0) + o.probability) * 1e6) / 1e6);
  }
  return m;
}
