// NodeResourcesFit: requests (init containers, sidecars, overhead) must fit allocatable minus requested;
// scores by LeastAllocated (default) or MostAllocated.
import { MAX_NODE_SCORE, Status, type FilterPlugin, type PluginArgs, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
export const insufficientReason = (resource: string): string => `Insufficient ${resource}`;

export interface ResourceSpec { name: string; weight: number }
export type ScoringStrategy = 'LeastAllocated' | 'MostAllocated';

/** Contract: NodeResourcesFitArgs subset: `scoringStrategy: {type, resources: [{name, weight}]}`. */
export interface FitArgs { strategy: ScoringStrategy; resources: ResourceSpec[] }

export function parseFitArgs(args: PluginArgs): FitArgs {
  const ss = (args.scoringStrategy ?? {}) as { type?: string; resources?: ResourceSpec[] };
  const type = ss.type ?? 'LeastAllocated';
  if (type !== 'LeastAllocated' && type !== 'MostAllocated') throw new Error(`NodeResourcesFit: unsupported scoringStrategy.type ${type}`);
  const resources = ss.resources?.length ? ss.resources.map((r) => ({ name: r.name, weight: r.weight ?? 1 })) : [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
  return { strategy: type, resources };
}

/** Contract: every reason the pod does not fit (empty = fits), in upstream order: pods, cpu, memory, storage, scalars. */
export function insufficientResources(pi: PodInfo, ni: NodeInfo): string[] {
  const out: string[] = [];
  const alloc = ni.allocatable;
  const used = ni.requested;
  if (ni.pods.length + 1 > alloc.allowedPodNumber) out.push(ERR_REASON_TOO_MANY_PODS);
  const r = pi.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && !r.scalar?.size) return out;
  if (r.milliCPU > 0 && r.milliCPU > alloc.milliCPU - used.milliCPU) out.push(insufficientReason('cpu'));
  if (r.memory > 0 && r.memory > alloc.memory - used.memory) out.push(insufficientReason('memory'));
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) out.push(insufficientReason('ephemeral-storage'));
  if (r.scalar) for (const [k, v] of r.scalar) if (v > 0 && v > alloc.get(k) - used.get(k)) out.push(insufficientReason(k));
  return out;
}

/** Contract: weighted per-resource score of requested (node + pod, non-zero defaults for cpu/memory) vs allocatable. */
export function resourceScore(args: FitArgs, pi: PodInfo, ni: NodeInfo): number {
  let total = 0;
  let weights = 0;
  for (const { name, weight } of args.resources) {
    const cap = ni.allocatable.get(name);
    if (cap === 0) continue;
    const req = name === 'cpu' || name === 'memory' ? ni.nonZeroRequested.get(name) + pi.nonZeroRequests.get(name) : ni.requested.get(name) + pi.requests.get(name);
    let s: number;
    if (args.strategy === 'LeastAllocated') s = req > cap ? 0 : Math.floor(((cap - req) * MAX_NODE_SCORE) / cap);
    else s = req > cap ? MAX_NODE_SCORE : Math.floor((req * MAX_NODE_SCORE) / cap);
    total += s * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.floor(total / weights);
}

/** Contract: PreFilter (requests come precomputed in PodInfo) + Filter + PreScore + Score. */
export function newNodeResourcesFit(args: PluginArgs): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const a = parseFitArgs(args);
  return {
    name: NODE_RESOURCES_FIT,
    preFilter: () => ({ status: Status.OK }),
    filter: (_s, _pod, pi, ni) => {
      const reasons = insufficientResources(pi, ni);
      return reasons.length ? Status.unschedulable(...reasons) : Status.OK;
    },
    preScore: () => Status.OK,
    score: (_s, _pod, pi, ni) => resourceScore(a, pi, ni),
  };
}
