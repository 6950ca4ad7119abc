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

/** The chain a rule line jumps or goes to ("-j X" / "-g X"), or undefined. */
export function ruleTarget(rule: string): string | undefined {
  let i = rule.indexOf(' -j ');
  if (i < 0) i = rule.indexOf(' -g ');
  if (i < 0) return undefined;
  const from = i + 4;
  const sp = rule.indexOf(' ', from);
  return sp < 0 ? rule.slice(from) : rule.slice(from, sp);
}

/**
 * Options of one table's transaction text. A table-wide `-S` may follow the fixed chains and
 * jumps (see shouldListFirst). Measured on
 * iptables 1.8.9 (nf_tables): with --noflush, every command's chain and jump target is inserted
 * into a sorted linked list that scopes the cache fetch, so a commit naming n chains costs O(n^2)
 * (1,000 services x 10 endpoints: 15 s CPU); one chain-less command switches that list off for
 * the commit (same text: 1.1 s, as fast as a flushing restore). `-S` is the only chain-less
 * command that changes nothing; its listing goes to stdout, which the runner discards.
 */
interface TableTextOptions {
  /** Rules the kernel holds in this table now (what a `-S` would list). */
  existingRules: number;
  /** False for backends the `-S` does not help (iptables-legacy: it would only cost the listing). */
  listFirst: boolean;
}

/** Options shared by full and partial transactions. */
export interface TransactionOptions {
  /** Allow the table-wide `-S` of TableTextOptions (iptables-nft); default true. */
  listFirst?: boolean;
}

/**
 * Whether a table-wide `-S` pays for itself. Measured here (iptables 1.8.9, nf_tables): the sorted
 * name list costs about 250 ns per pair of the n distinct chain names in a commit (11,100 names:
 * 15 s CPU), the listing about 16 us per rule the table holds (iptables-save of 434k lines:
 * 6.8 s). So list when n^2 / 2 x 250 ns > rules x 16 us, i.e. n^2 > 128 x rules.
 */
export function shouldListFirst(distinctNames: number, existingRules: number): boolean {
  return distinctNames >= 64 && distinctNames * distinctNames > 128 * existingRules;
}

/**
 * One table's part of a transaction, one COMMIT. Steps:
 * 1. declare (create or flush) the fixed chains written and the chains to remove;
 * 2. insert missing jumps from built-in chains (their targets are fixed chains, declared in 1);
 * 3. optionally the `-S` (see TableTextOptions);
 * 4. per-service chains, then fixed chains' rules, each chain declared just before its own rules
 *    or before the first rule that jumps to it, whichever is first: iptables-nft executes the
 *    commands in order and needs a jump's target to exist, and declaring near first use keeps
 *    its name lookups short (about 25% faster than declaring everything up front);
 * 5. delete the removed chains, now flushed and no longer referenced.
 */
function tableText(table: string, write: Chain[], remove: string[], jumps: JumpRule[], opts: TableTextOptions): string {
  const lines = [`*${table}`];
  const writing = new Set(write.map((c) => c.name));
  const declared = new Set<string>();
  const declare = (name: string) => {
    if (declared.has(name)) return;
    declared.add(name);
    lines.push(chainLine(name));
  };
  // 1. Fixed chains and removed chains.
  const fixed = write.filter((c) => !isPerServiceChain(c.name));
  const perService = write.filter((c) => isPerServiceChain(c.name));
  for (const c of fixed) declare(c.name);
  for (const name of remove) declare(name);
  // 2. Jumps.
  for (const j of jumps) if (j.table === table) lines.push(jumpLine(j));
  // 3. Chain-less listing, when the commit names many chains.
  const names = new Set<string>(remove);
  for (const c of write) {
    names.add(c.name);
    for (const r of c.rules) {
      const t = ruleTarget(r);
      if (t !== undefined && t.startsWith('KUBE-')) names.add(t);
    }
  }
  if (opts.listFirst && shouldListFirst(names.size, opts.existingRules)) lines.push('-S');
  // 4. Rules, declaring on first use.
  for (const c of [...perService, ...fixed]) {
    declare(c.name);
    for (const r of c.rules) {
      const t = ruleTarget(r);
      if (t !== undefined && writing.has(t)) declare(t);
      lines.push(r);
    }
  }
  // 5. Deletions.
  for (const name of remove) lines.push(`-X ${name}`);
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** Which chains a transaction writes and deletes, per table, plus its text. */
export interface Transaction {
  text: string;
  written: { nat: string[]; filter: string[] };
  deleted: { nat: string[]; filter: string[] };
}

/**
 * Full sync, one atomic commit per table: writes every chain of `next`, deletes per-service
 * chains that exist in the kernel (`existing`) but are no longer wanted, and inserts missing jumps.
 */
export function fullTransaction(
  next: RuleSet,
  existing: { nat: Set<string>; filter: Set<string>; natRules?: number; filterRules?: number },
  jumps: JumpRule[],
  opts: TransactionOptions = {},
): Transaction {
  const listFirst = opts.listFirst ?? true;
  const want = { nat: new Set(next.nat.map((c) => c.name)), filter: new Set(next.filter.map((c) => c.name)) };
  const del = {
    nat: [...existing.nat].filter((c) => isPerServiceChain(c) && !want.nat.has(c)).sort(),
    filter: [...existing.filter].filter((c) => isPerServiceChain(c) && !want.filter.has(c)).sort(),
  };
  const text =
    tableText('filter', next.filter, del.filter, jumps, { existingRules: existing.filterRules ?? 0, listFirst }) +
    tableText('nat', next.nat, del.nat, jumps, { existingRules: existing.natRules ?? 0, listFirst });
  return {
    text,
    written: { nat: [...want.nat], filter: [...want.filter] },
    deleted: del,
  };
}

function sameRules(a: Chain | undefined, b: Chain): boolean {
  if (a === b) return true;
  if (!a || a.rules.length !== b.rules.length) return false;
  for (let i = 0; i < b.rules.length; i++) if (a.rules[i] !== b.rules[i]) return false;
  return true;
}

/** Chains of `n` whose rules differ from the same-named chain of `p`, and chains of `p` gone from `n`. */
function diffChains(p: Chain[], n: Chain[], write: Chain[], remove: string[]): void {
  const prevBy = new Map<string, Chain>();
  for (const c of p) prevBy.set(c.name, c);
  for (const c of n) {
    if (!sameRules(prevBy.get(c.name), c)) write.push(c);
    prevBy.delete(c.name);
  }
  for (const name of prevBy.keys()) remove.push(name);
}

/** The leading fixed (not per-service) chains of a rendered nat list. */
function fixedPrefix(chains: Chain[]): Chain[] {
  let i = 0;
  while (i < chains.length && !isPerServiceChain(chains[i]!.name)) i++;
  return chains.slice(0, i);
}

/**
 * Partial sync: only chains whose rules differ from `prev` (the last applied set) are written;
 * chains gone since `prev` are flushed and deleted. Returns undefined when nothing changed.
 * Per-service nat chains are compared per service port (RuleSet.perServiceGroups): a port whose
 * chain array is the same object in both sets is skipped whole, so the cost follows the ports
 * that changed, not the 100k+ chains of a big cluster.
 */
export function partialTransaction(prev: RuleSet, next: RuleSet, jumps: JumpRule[] = [], opts: TransactionOptions = {}): Transaction | undefined {
  const listFirst = opts.listFirst ?? true;
  // 1. nat: fixed chains by name, then per-service chains port by port.
  const nat = { write: [] as Chain[], remove: [] as string[] };
  diffChains(fixedPrefix(prev.nat), fixedPrefix(next.nat), nat.write, nat.remove);
  const perSvcWrite: Chain[] = [];
  for (const [key, chains] of next.perServiceGroups) {
    const before = prev.perServiceGroups.get(key);
    if (before !== chains) diffChains(before ?? [], chains, perSvcWrite, nat.remove);
  }
  for (const [key, chains] of prev.perServiceGroups) {
    if (!next.perServiceGroups.has(key)) for (const c of chains) nat.remove.push(c.name);
  }
  // Fixed chains were written after per-service ones by the full sync; keep that order.
  nat.write = perSvcWrite.concat(nat.write);
  // 2. filter: few chains, all fixed.
  const filter = { write: [] as Chain[], remove: [] as string[] };
  diffChains(prev.filter, next.filter, filter.write, filter.remove);
  if (nat.write.length + nat.remove.length + filter.write.length + filter.remove.length + jumps.length === 0) return undefined;
  let text = '';
  const filterRules = prev.filter.reduce((n, c) => n + c.rules.length, 0);
  if (filter.write.length + filter.remove.length > 0 || jumps.some((j) => j.table === 'filter')) text += tableText('filter', filter.write, filter.remove, jumps, { existingRules: filterRules, listFirst });
  if (nat.write.length + nat.remove.length > 0 || jumps.some((j) => j.table === 'nat')) text += tableText('nat', nat.write, nat.remove, jumps, { existingRules: prev.ruleCount - filterRules, listFirst });
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
