// Node selector terms (nodeAffinity): expressions over labels, fields over metadata.name.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm } from '../../../api/types/core.js';

function reqMatches(r: NodeSelectorRequirement, get: (k: string) => string | undefined): boolean {
  const v = get(r.key);
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return v !== undefined && vals.includes(v);
    case 'NotIn': return v === undefined || !vals.includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || vals.length !== 1) return false;
      const a = Number.parseInt(v, 10);
      const b = Number.parseInt(vals[0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

/** Contract: a term matches when all its expressions and fields match; an empty term matches nothing. */
export function termMatchesNode(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!reqMatches(e, (k) => labels[k])) return false;
  for (const f of fields) if (!reqMatches(f, (k) => (k === 'metadata.name' ? node.metadata.name : undefined))) return false;
  return true;
}

/** Contract: terms are ORed; an empty list matches nothing. */
export function anyTermMatches(terms: NodeSelectorTerm[], node: Node): boolean {
  return terms.some((t) => termMatchesNode(t, node));
}
