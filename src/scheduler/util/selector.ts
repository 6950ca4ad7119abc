// Label selectors compiled once into predicates (scheduling evaluates them per node and per pod).
import type { LabelSelector } from '../../api/types/meta.js';

/** A compiled selector: `matches` is pure; `empty` is true when it matches everything. */
export interface LabelMatcher {
  matches(labels: Record<string, string> | undefined): boolean;
  readonly empty: boolean;
  readonly nothing: boolean;
}

const NOTHING: LabelMatcher = { matches: () => false, empty: false, nothing: true };
const EVERYTHING: LabelMatcher = { matches: () => true, empty: true, nothing: false };

/** Contract: undefined/null selector → matches nothing; `{}` → matches everything (metav1 semantics). */
export function compileLabelSelector(ls: LabelSelector | undefined | null): LabelMatcher {
  if (!ls) return NOTHING;
  const checks: ((l: Record<string, string>) => boolean)[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) checks.push((l) => l[k] === v);
  for (const e of ls.matchExpressions ?? []) {
    const vals = new Set(e.values ?? []);
    const k = e.key;
    switch (e.operator) {
      case 'In': checks.push((l) => k in l && vals.has(l[k]!)); break;
      case 'NotIn': checks.push((l) => !(k in l) || !vals.has(l[k]!)); break;
      case 'Exists': checks.push((l) => k in l); break;
      case 'DoesNotExist': checks.push((l) => !(k in l)); break;
      default: return NOTHING;
    }
  }
  if (checks.length === 0) return EVERYTHING;
  return {
    empty: false,
    nothing: false,
    matches: (labels) => {
      const l = labels ?? {};
      for (const c of checks) if (!c(l)) return false;
      return true;
    },
  };
}

/** Contract: a selector requiring exactly these labels (an empty map matches everything). */
export function matcherFromMap(m: Record<string, string> | undefined): LabelMatcher {
  return compileLabelSelector({ matchLabels: m ?? {} });
}
