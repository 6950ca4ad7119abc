// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory utilisation stay close together.
import { MAX_NODE_SCORE, Status, type PluginArgs, type PreScorePlugin, type ScorePlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/** Contract: (1 - standard deviation of requested/allocatable fractions) × 100, fractions capped at 1. */
export function balancedScore(resources: string[], pi: PodInfo, ni: NodeInfo): number {
  const fr: number[] = [];
  for (const name of resources) {
    const cap = ni.allocatable.get(name);
    if (cap === 0) continue;
    const req = ni.nonZeroRequested.get(name) + pi.nonZeroRequests.get(name);
    fr.push(Math.min(1, req / cap));
  }
  let std = 0;
  if (fr.length === 2) std = Math.abs((fr[0]! - fr[1]!) / 2);
  else if (fr.length > 2) {
    const mean = fr.reduce((a, b) => a + b, 0) / fr.length;
    std = Math.sqrt(fr.reduce((a, b) => a + (b - mean) ** 2, 0) / fr.length);
  }
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

/** Contract: PreScore + Score; args `resources: [{name}]` default cpu and memory. */
export function newBalancedAllocation(args: PluginArgs): PreScorePlugin & ScorePlugin {
  const res = ((args.resources as { name: string }[] | undefined) ?? [{ name: 'cpu' }, { name: 'memory' }]).map((r) => r.name);
  return {
    name: BALANCED_ALLOCATION,
    preScore: () => Status.OK,
    score: (_s, _pod, pi, ni) => balancedScore(res, pi, ni),
  };
}
