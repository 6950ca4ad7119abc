// Score normalisation shared by plugins (upstream helper.DefaultNormalizeScore).
import { MAX_NODE_SCORE, type NodeScore } from '../../framework/interface.js';

/** Contract: scales scores to [0, max] by the highest score; `reverse` flips (fewer is better). */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let top = 0;
  for (const s of scores) if (s.score > top) top = s.score;
  if (top === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    let v = Math.floor((max * s.score) / top);
    if (reverse) v = max - v;
    s.score = v;
  }
}
