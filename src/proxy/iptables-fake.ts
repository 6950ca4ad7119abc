// In-memory Iptables for unit tests: applies restore transactions with --noflush semantics
// (declaring a chain creates or flushes it; -A/-I/-D/-X/-F), atomically, and rejects what the
// kernel would reject (jump to a missing chain, deleting a referenced or missing chain).
import { tokenize } from './restore.js';
import type { Iptables, Table } from './iptables.js';

const BUILTIN: Record<string, string[]> = {
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};
const TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'MARK']);

type Tables = Map<string, Map<string, string[]>>;

/** Fake iptables: `tables` holds chain -> rule argument strings (normalised by tokenising). */
export class FakeIptables implements Iptables {
  tables: Tables = new Map();
  /** Every transaction applied, in order. */
  readonly restores: string[] = [];
  /** When set, the next restore fails with this message. */
  failNext?: string;
  /** As iptables-nft (the `-S` choice of restore.ts applies). */
  readonly listFirstHelps = true;

  constructor() {
    for (const [t, chains] of Object.entries(BUILTIN)) this.tables.set(t, new Map(chains.map((c) => [c, []])));
  }

  async restore(text: string): Promise<void> {
    if (this.failNext) {
      const m = this.failNext;
      this.failNext = undefined;
      throw new Error(m);
    }
    // 1. Work on a copy so a failure applies nothing.
    const work: Tables = new Map([...this.tables].map(([t, cs]) => [t, new Map([...cs].map(([c, r]) => [c, [...r]]))]));
    let cur: Map<string, string[]> | undefined;
    let lineNo = 0;
    for (const raw of text.split('\n')) {
      lineNo++;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (line.startsWith('*')) {
        cur = work.get(line.slice(1));
        if (!cur) throw new Error(`line ${lineNo}: unknown table ${line}`);
        continue;
      }
      if (!cur) throw new Error(`line ${lineNo}: no table`);
      if (line === 'COMMIT') {
        this.checkReferences(cur, lineNo);
        continue;
      }
      if (line.startsWith(':')) {
        cur.set(line.slice(1).split(/\s+/)[0]!, []);
        continue;
      }
      const toks = tokenize(line);
      if (toks.length === 1 && toks[0] === '-S') continue; // a table listing changes nothing
      const [op, chain] = [toks[0], toks[1]!];
      const rules = cur.get(chain);
      if (!rules) throw new Error(`line ${lineNo}: chain ${chain} does not exist`);
      const norm = (a: string[]) => a.join('\u0000');
      switch (op) {
        case '-A':
          this.checkTarget(cur, toks, lineNo);
          rules.push(norm(toks.slice(2)));
          break;
        case '-I': {
          this.checkTarget(cur, toks, lineNo);
          const pos = /^\d+$/.test(toks[2] ?? '') ? Number(toks[2]) : 1;
          rules.splice(pos - 1, 0, norm(toks.slice(/^\d+$/.test(toks[2] ?? '') ? 3 : 2)));
          break;
        }
        case '-D': {
          const i = rules.indexOf(norm(toks.slice(2)));
          if (i < 0) throw new Error(`line ${lineNo}: rule not found in ${chain}`);
          rules.splice(i, 1);
          break;
        }
        case '-F':
          rules.length = 0;
          break;
        case '-X':
          if (rules.length > 0) throw new Error(`line ${lineNo}: chain ${chain} not empty`);
          for (const [other, rs] of cur) if (rs.some((r) => jumpTarget(r) === chain)) throw new Error(`line ${lineNo}: chain ${chain} referenced from ${other}`);
          cur.delete(chain);
          break;
        default:
          throw new Error(`line ${lineNo}: unsupported ${op}`);
      }
    }
    this.tables = work;
    this.restores.push(text);
  }

  /** iptables-nft runs a transaction's commands in order: a jump's target must exist already. */
  private checkTarget(t: Map<string, string[]>, toks: string[], lineNo: number): void {
    const i = toks.indexOf('-j');
    const target = i >= 0 ? toks[i + 1] : undefined;
    if (target && !TARGETS.has(target) && !t.has(target)) throw new Error(`line ${lineNo}: chain '${target}' does not exist`);
  }

  private checkReferences(t: Map<string, string[]>, lineNo: number): void {
    for (const [c, rules] of t) {
      for (const r of rules) {
        const target = jumpTarget(r);
        if (target && !TARGETS.has(target) && !t.has(target)) throw new Error(`line ${lineNo}: ${c} jumps to missing chain ${target}`);
      }
    }
  }

  /** Chains read with a chain list, in order (to assert the proxier's cheap reads). */
  readonly chainReads: string[][] = [];

  async save(table: Table, chains?: string[]): Promise<string> {
    const t = this.tables.get(table)!;
    const lines = [`*${table}`];
    if (chains) this.chainReads.push(chains);
    // Built-in chains first, then user chains by name (a stable order, independent of write order).
    const all = [...BUILTIN[table]!, ...[...t.keys()].filter((c) => !BUILTIN[table]!.includes(c)).sort()];
    const names = chains ? all.filter((c) => chains.includes(c)) : all;
    for (const c of names) lines.push(BUILTIN[table]!.includes(c) ? `:${c} ACCEPT [0:0]` : `:${c} - [0:0]`);
    for (const c of names) for (const r of t.get(c)!) lines.push(['-A', c, ...r.split('\u0000')].map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' '));
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }

  /** Rules of one chain as argument arrays (for assertions and the tracer). */
  chain(table: Table, name: string): string[][] | undefined {
    return this.tables.get(table)?.get(name)?.map((r) => r.split('\u0000'));
  }
}

function jumpTarget(rule: string): string | undefined {
  const a = rule.split('\u0000');
  const i = a.indexOf('-j');
  return i >= 0 ? a[i + 1] : undefined;
}
