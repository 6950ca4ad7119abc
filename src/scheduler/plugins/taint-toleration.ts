// TaintToleration: Filter rejects untolerated NoSchedule/NoExecute taints; Score prefers fewer
// untolerated PreferNoSchedule taints.
import { Status, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from '../framework/interface.js';
import { defaultNormalizeScore } from './helpers/normalize.js';
import { findUntoleratedTaint, tolerates } from './helpers/taints.js';

export const TAINT_TOLERATION = 'TaintToleration';
/** Contract: upstream wording, e.g. "node(s) had untolerated taint {dedicated: gpu}". */
export const untoleratedTaintReason = (key: string, value: string | undefined): string => `node(s) had untolerated taint {${key}: ${value ?? ''}}`;

/** Contract: Filter + PreScore + Score (reverse-normalised count of intolerable PreferNoSchedule taints). */
export function newTaintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: TAINT_TOLERATION,
    filter: (_s, pod, _pi, ni) => {
      const t = findUntoleratedTaint(ni.node?.spec?.taints, pod.spec.tolerations, (x) => x.effect === 'NoSchedule' || x.effect === 'NoExecute');
      return t ? Status.unresolvable(untoleratedTaintReason(t.key, t.value)) : Status.OK;
    },
    preScore: () => Status.OK,
    score: (_s, pod, _pi, ni) => {
      const tols = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      let n = 0;
      for (const taint of ni.node?.spec?.taints ?? []) if (taint.effect === 'PreferNoSchedule' && !tols.some((t) => tolerates(t, taint))) n++;
      return n;
    },
    normalizeScore: (_s, _p, scores) => defaultNormalizeScore(scores, true),
  };
}
