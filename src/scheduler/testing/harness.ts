// Runs chosen plugins through a real Framework over a snapshot (plugin unit tests).
import type { PodDisruptionBudget } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import type { Clientset } from '../../client/interfaces.js';
import { FakeClock } from '../../util/clock.js';
import { silentLogger } from '../../util/logger.js';
import type { ClusterSnapshot } from '../cache/snapshot.js';
import { CycleState, type PluginArgs } from '../framework/interface.js';
import { newPodInfo, type PodInfo } from '../framework/pod-info.js';
import { defaultProfile, EXTENSION_POINTS, type PluginRef, type Profile } from '../framework/profile.js';
import { Framework } from '../framework/runtime.js';
import { inTreeRegistry } from '../plugins/index.js';

export interface HarnessOpts {
  /** Plugins enabled at every point they implement (weight for Score). */
  plugins: PluginRef[];
  pluginConfig?: Record<string, PluginArgs>;
  clientset?: Clientset;
  nominated?: Record<string, PodInfo[]>;
  pdbs?: PodDisruptionBudget[];
}

/** Contract: a framework whose only plugins (besides PrioritySort) are `opts.plugins`. */
export function frameworkFor(snap: ClusterSnapshot, opts: HarnessOpts): Framework {
  const p: Profile = defaultProfile();
  for (const point of EXTENSION_POINTS) p.plugins[point] = point === 'queueSort' ? p.plugins.queueSort : [];
  p.multiPoint = opts.plugins;
  p.pluginConfig = opts.pluginConfig ?? {};
  return new Framework(p, inTreeRegistry(), {
    snapshot: () => snap,
    ...(opts.clientset ? { clientset: opts.clientset } : {}),
    clock: new FakeClock(0),
    logger: silentLogger(),
    nominatedPodsForNode: (n) => opts.nominated?.[n] ?? [],
    podDisruptionBudgets: () => opts.pdbs ?? [],
    random: () => 0.99,
  });
}

/** Contract: node → "ok" or its failure reasons joined by "; " (PreFilter rejections show on every node). */
export function filterAll(fw: Framework, pod: Pod, snap: ClusterSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  const pi = newPodInfo(pod);
  const res = fw.findNodesThatFit(new CycleState(), pod, pi, snap);
  for (const n of res.feasible) out[n.name] = 'ok';
  for (const [n, st] of res.diagnosis.nodeToStatus) out[n] = st.reasons.join('; ');
  return out;
}

/** Contract: node → total weighted score, over all nodes that pass Filter. */
export function scoreAll(fw: Framework, pod: Pod, snap: ClusterSnapshot): Record<string, number> {
  const pi = newPodInfo(pod);
  const state = new CycleState();
  const res = fw.findNodesThatFit(state, pod, pi, snap);
  const out: Record<string, number> = {};
  for (const s of fw.prioritize(state, pod, pi, res.feasible)) out[s.name] = s.score;
  return out;
}
