// RBAC privilege-escalation arithmetic (pure), with upstream's semantics: a set of rules is
// covered by the requester's rules when every single (group, resource, verb[, name]) or
// (URL, verb) it grants is granted by one of the requester's rules. What is missing is reported
// compactly (rules that differ only in verbs merged) in upstream's message format.
import type { PolicyRule } from '../../api/types/rbac.js';
import type { UserInfo } from '../admission/interface.js';

const has = (list: string[] | undefined, v: string) => !!list && list.includes(v);
const hasAll = (list: string[] | undefined, vs: string[] | undefined) => (vs ?? []).every((v) => has(list, v));

/** Splits a rule into rules of one group, resource, verb and name each (or one URL and verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if (rule.resourceNames?.length) for (const name of rule.resourceNames) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

/** `*`, an exact match, or `*\/<sub>` for a subresource, for every resource in `wanted`. */
function resourcesCovered(owned: string[] | undefined, wanted: string[] | undefined): boolean {
  if (has(owned, '*') || hasAll(owned, wanted)) return true;
  return (wanted ?? []).every((r) => {
    if (has(owned, r)) return true;
    const slash = r.indexOf('/');
    return slash >= 0 && has(owned, `*/${r.slice(slash + 1)}`);
  });
}

const urlCovers = (owned: string, wanted: string) => owned === wanted || (owned.endsWith('*') && wanted.startsWith(owned.replace(/\*+$/, '')));

/** Does `owner` grant everything `sub` (one broken-down rule) grants? */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourcesCovered(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every((u) => (owner.nonResourceURLs ?? []).some((o) => urlCovers(o, u)));
  const names = !owner.resourceNames?.length || (!!sub.resourceNames?.length && hasAll(owner.resourceNames, sub.resourceNames));
  return verbs && groups && resources && urls && names;
}

/** Whether `owned` covers `wanted`; `missing` lists the broken-down rules nobody grants. */
export function covers(owned: PolicyRule[], wanted: PolicyRule[]): { ok: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of wanted) for (const sub of breakdownRule(rule)) if (!owned.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return { ok: missing.length === 0, missing };
}

/** Merges rules of one group, one resource and at most one name that differ only in verbs. */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = !r.nonResourceURLs?.length && (r.resourceNames?.length ?? 0) <= 1 && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.length ? r.resourceNames[0] : null]);
    const seen = simple.get(key);
    if (seen) seen.verbs = [...seen.verbs, ...r.verbs];
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
const goQuoted = (l: string[]) => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;

/** Upstream's compact rule text: `{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoted(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoted(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuoted(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * The reason a grant is refused, or undefined when `owned` covers `wanted` (upstream
 * ConfirmNoEscalation): `user "u" (groups=["g"]) is attempting to grant RBAC permissions not
 * currently held:\n<one compact rule a line, sorted>`.
 */
export function escalationError(user: UserInfo, owned: PolicyRule[], wanted: PolicyRule[], incomplete = false): string | undefined {
  const { ok, missing } = covers(owned, wanted);
  if (ok) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  const msg = `user ${JSON.stringify(user.username)} (groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  return incomplete ? `${msg}; resolution errors: [some bound roles were not found]` : msg;
}
