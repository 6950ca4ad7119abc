// Pure: turns rendered rule sets into iptables-restore transactions (full and partial), and
// reads the parts of iptables-save output the proxier needs. Used with `iptables-restore --noflush`:
// a ":CHAIN - [0:0]" line creates or flushes that chain; chains not named are left untouched.
import { quoteArg, type Chain, type JumpRule, type RuleSet } from './render.js';
import { isPerServiceChain } from './chainnames.js';

/** The chains and rules of one table as parsed from iptables-save. */
export interface SavedTable {
  chains: Set<string>;
  /** Rule lines per chain, as iptables-save printed them (without "-A CHAIN"). */
  rules: Map<string, string[]>;
}

/** Parses `iptables-save` (one or more tables) into chains and rule lines. */
export function parseSave(text: string): Map<string, SavedTable> {
  const tables = new Map<string, SavedTable>();
  let cur: SavedTable | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      cur = { chains: new Set(), rules: new Map() };
      tables.set(line.slice(1), cur);
    } else if (!cur || line === '' || line.startsWith('#') || line === 'COMMIT') {
      continue;
    } else if (line.startsWith(':')) {
      cur.chains.add(line.slice(1).split(/\s+/)[0]!);
    } else if (line.startsWith('-A ')) {
      const rest = line.slice(3);
      const sp = rest.indexOf(' ');
      const chain = sp < 0 ? rest : rest.slice(0, sp);
      const args = sp < 0 ? '' : rest.slice(sp + 1);
      const list = cur.rules.get(chain) ?? [];
      list.push(args);
      cur.rules.set(chain, list);
    }
  }
  return tables;
}

/** Splits a rule line into arguments, honouring double quotes (as iptables-restore does). */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQuote) {
      if (c === '\\' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') inQuote = false;
      else cur += c;
    } else if (c === '"') {
      inQuote = true;
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/**
 * True when a saved rule (as iptables-save prints it) is the given jump: iptables-save reorders
 * matches and adds "/32" etc., so we compare the comment and target rather than the exact text.
 */
export function savedRuleIsJump(savedArgs: string, jump: JumpRule): boolean {
  const toks = tokenize(savedArgs);
  const target = toks[toks.indexOf('-j') + 1];
  const ci = toks.indexOf('--comment');
  const want = jump.args[jump.args.indexOf('--comment') + 1];
  return target === jump.target && ci >= 0 && toks[ci + 1] === want;
}

/** The jump rules missing from the saved tables. */
export function missingJumps(saved: Map<string, SavedTable>, jumps: JumpRule[]): JumpRule[] {
  return jumps.filter((j) => !(saved.get(j.table)?.rules.get(j.chain) ?? []).some((r) => savedRuleIsJump(r, j)));
}

function chainLine(name: string): string {
  return `:${name} - [0:0]`;
}

function jumpLine(j: JumpRule): string {
  return ['-I', j.chain, '1', ...j.args].map(quoteArg).join(' ');
}

/**
 * Write order for chunked transactions: every chain is written after the chains it jumps to, so
 * each intermediate commit is consistent (fixed helper chains, SEP, SVC/SVL, EXT, NODEPORTS, SERVICES).
 */
export function chainRank(name: string): number {
  if (name.startsWith('KUBE-SEP-')) return 1;
  if (name.startsWith('KUBE-SVC-') || name.startsWith('KUBE-SVL-')) return 2;
  if (name.startsWith('KUBE-EXT-') || name.startsWith('KUBE-FW-')) return 3;
  if (name === 'KUBE-NODEPORTS') return 4;
  if (name === 'KUBE-SERVICES' || name === 'KUBE-EXTERNAL-SERVICES') return 5;
  return 0;
}

function tableText(table: string, write: Chain[], remove: string[], jumps: JumpRule[], chunkChains = 0): string {
  // 1. One atomic commit (partial syncs, small rule sets).
  if (chunkChains <= 0 || write.length <= chunkChains) {
    const lines = [`*${table}`];
    for (const c of write) lines.push(chainLine(c.name));
    for (const name of remove) lines.push(chainLine(name));
    for (const c of write) for (const r of c.rules) lines.push(r);
    for (const name of remove) lines.push(`-X ${name}`);
    for (const j of jumps.filter((x) => x.table === table)) lines.push(jumpLine(j));
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }
  // 2. Leaf-first chunks of `chunkChains` chains per commit (iptables-nft-restore --noflush is
  //    superlinear in the size of one commit), then deletions and jumps in a last commit.
  const ordered = write.map((c, i) => ({ c, i })).sort((a, b) => chainRank(a.c.name) - chainRank(b.c.name) || a.i - b.i).map((x) => x.c);
  const lines: string[] = [];
  for (let i = 0; i < ordered.length; i += chunkChains) {
    const part = ordered.slice(i, i + chunkChains);
    lines.push(`*${table}`);
    for (const c of part) lines.push(chainLine(c.name));
    for (const c of part) for (const r of c.rules) lines.push(r);
    lines.push('COMMIT');
  }
  lines.push(`*${table}`);
  for (const name of remove) lines.push(chainLine(name));
  for (const name of remove) lines.push(`-X ${name}`);
  for (const j of jumps.filter((x) => x.table === table)) lines.push(jumpLine(j));
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** Chains per commit in a full sync; 0 = one atomic commit. Measured on iptables 1.8.9 (nf_tables). */
export const DEFAULT_CHUNK_CHAINS = 200;

/** Which chains a transaction writes and deletes, per table, plus its text. */
export interface Transaction {
  text: string;
  written: { nat: string[]; filter: string[] };
  deleted: { nat: string[]; filter: string[] };
}

/**
 * Full sync: writes every chain of `next`, deletes per-service chains that exist in the kernel
 * (`existing`) but are no longer wanted, and inserts missing jumps. Large rule sets are written
 * in leaf-first commits of `chunkChains` chains (see `tableText`); each commit leaves the table
 * consistent, since every chain is written after the chains it jumps to.
 */
export function fullTransaction(
  next: RuleSet,
  existing: { nat: Set<string>; filter: Set<string> },
  jumps: JumpRule[],
  opts: { chunkChains?: number } = {},
): Transaction {
  const want = { nat: new Set(next.nat.map((c) => c.name)), filter: new Set(next.filter.map((c) => c.name)) };
  const del = {
    nat: [...existing.nat].filter((c) => isPerServiceChain(c) && !want.nat.has(c)).sort(),
    filter: [...existing.filter].filter((c) => isPerServiceChain(c) && !want.filter.has(c)).sort(),
  };
  const chunk = opts.chunkChains ?? DEFAULT_CHUNK_CHAINS;
  const text = tableText('filter', next.filter, del.filter, jumps, chunk) + tableText('nat', next.nat, del.nat, jumps, chunk);
  return {
    text,
    written: { nat: [...want.nat], filter: [...want.filter] },
    deleted: del,
  };
}

function sameRules(a: Chain | undefined, b: Chain): boolean {
  if (!a || a.rules.length !== b.rules.length) return false;
  for (let i = 0; i < b.rules.length; i++) if (a.rules[i] !== b.rules[i]) return false;
  return true;
}

/**
 * Partial sync: only chains whose rules differ from `prev` (the last applied set) are written;
 * chains gone since `prev` are flushed and deleted. Returns undefined when nothing changed.
 */
export function partialTransaction(prev: RuleSet, next: RuleSet, jumps: JumpRule[] = []): Transaction | undefined {
  const part = (p: Chain[], n: Chain[]) => {
    const prevBy = new Map(p.map((c) => [c.name, c]));
    const nextNames = new Set(n.map((c) => c.name));
    return {
      write: n.filter((c) => !sameRules(prevBy.get(c.name), c)),
      remove: p.filter((c) => !nextNames.has(c.name)).map((c) => c.name),
    };
  };
  const nat = part(prev.nat, next.nat);
  const filter = part(prev.filter, next.filter);
  if (nat.write.length + nat.remove.length + filter.write.length + filter.remove.length + jumps.length === 0) return undefined;
  let text = '';
  if (filter.write.length + filter.remove.length > 0 || jumps.some((j) => j.table === 'filter')) text += tableText('filter', filter.write, filter.remove, jumps);
  if (nat.write.length + nat.remove.length > 0 || jumps.some((j) => j.table === 'nat')) text += tableText('nat', nat.write, nat.remove, jumps);
  return {
    text,
    written: { nat: nat.write.map((c) => c.name), filter: filter.write.map((c) => c.name) },
    deleted: { nat: nat.remove, filter: filter.remove },
  };
}

/**
 * Cleanup: removes our jump rules (one -D each that `saved` shows present), then flushes and
 * deletes every KUBE-* chain we own found in `saved`.
 */
export function cleanupTransaction(saved: Map<string, SavedTable>, jumps: JumpRule[], ownedFixed: { nat: readonly string[]; filter: readonly string[] }): string {
  let text = '';
  for (const table of ['filter', 'nat'] as const) {
    const t = saved.get(table);
    if (!t) continue;
    const lines = [`*${table}`];
    // 1. Delete jumps by their exact saved text (as many times as they appear).
    for (const j of jumps.filter((x) => x.table === table)) {
      for (const r of t.rules.get(j.chain) ?? []) if (savedRuleIsJump(r, j)) lines.push(`-D ${j.chain} ${r}`);
    }
    // 2. Flush then delete our chains.
    const ours = [...t.chains].filter((c) => isPerServiceChain(c) || ownedFixed[table].includes(c));
    for (const c of ours) lines.push(chainLine(c));
    for (const c of ours) lines.push(`-X ${c}`);
    lines.push('COMMIT');
    text += lines.join('\n') + '\n';
  }
  return text;
}
