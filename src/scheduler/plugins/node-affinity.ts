// NodeAffinity: nodeSelector + required node affinity filter; preferred terms score.
import type { Pod } from '../../api/types/core.js';
import { Status, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../framework/interface.js';
import { anyTermMatches, termMatchesNode } from './helpers/node-selector.js';
import { defaultNormalizeScore } from './helpers/normalize.js';
import type { Node } from '../../api/types/core.js';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/** Contract: does the node satisfy `spec.nodeSelector` and the required node affinity? */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req && !anyTermMatches(req.nodeSelectorTerms ?? [], node)) return false;
  return true;
}

/**
 * Contract: PreFilter narrows to named nodes when every required term pins `metadata.name` (DaemonSet
 * pods); Filter applies selector + required terms; Score sums weights of matching preferred terms.
 */
export function newNodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NODE_AFFINITY,
    preFilter: (_s, pod) => {
      const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      if (!terms?.length && !pod.spec.nodeSelector) return { status: Status.SKIP };
      if (!terms?.length) return { status: Status.OK };
      const names = new Set<string>();
      for (const t of terms) {
        const f = (t.matchFields ?? []).find((r) => r.key === 'metadata.name' && r.operator === 'In');
        if (!f) return { status: Status.OK };
        for (const v of f.values ?? []) names.add(v);
      }
      if (names.size === 0) return { status: Status.unresolvable(ERR_REASON_POD_NODE_AFFINITY) };
      return { status: Status.OK, result: { nodeNames: names } };
    },
    filter: (_s, pod, _pi, ni) => (ni.node && podMatchesNodeSelectorAndAffinity(pod, ni.node) ? Status.OK : Status.unresolvable(ERR_REASON_POD_NODE_AFFINITY)),
    preScore: (_s, pod) => (pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? Status.OK : Status.SKIP),
    score: (_s, pod, _pi, ni) => {
      let sum = 0;
      for (const p of pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
        if (p.weight && ni.node && termMatchesNode(p.preference, ni.node)) sum += p.weight;
      }
      return sum;
    },
    normalizeScore: (_s, _p, scores) => defaultNormalizeScore(scores, false),
  };
}
