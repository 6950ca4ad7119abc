// ClusterRole aggregation (pure): a role with an aggregationRule gets the union of the rules
// of every other cluster role matched by one of its selectors, in role-name order, deduplicated.
import { selectorFromLabelSelector } from '../../api/labels.js';
import type { ClusterRole, PolicyRule } from '../../api/types/rbac.js';

/** The rules `target` should hold, or undefined when it does not aggregate. */
export function aggregatedRules(target: ClusterRole, all: ClusterRole[]): PolicyRule[] | undefined {
  const selectors = target.aggregationRule?.clusterRoleSelectors;
  if (!selectors) return undefined;
  const compiled = selectors.map((s) => selectorFromLabelSelector(s));
  const seen = new Set<string>();
  const out: PolicyRule[] = [];
  const sources = all.filter((r) => r.metadata.name !== target.metadata.name && compiled.some((s) => !s.empty() && s.matches(r.metadata.labels)));
  sources.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  for (const src of sources) {
    for (const rule of src.rules ?? []) {
      const k = JSON.stringify(rule);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(rule);
    }
  }
  return out;
}

/** True when two rule lists are equal as written. */
export function sameRules(a: PolicyRule[] | undefined, b: PolicyRule[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
