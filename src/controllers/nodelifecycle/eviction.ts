// Taint-based eviction (pure), as upstream's taint eviction controller: a pod on a node with NoExecute
// taints is deleted at once when some taint is not tolerated, never when every matching toleration
// lasts forever, else when the shortest `tolerationSeconds` of the used tolerations has passed
// since its taint was added.
import type { Pod, Taint } from '../../api/types/index.js';
import { tolerates } from '../../scheduler/plugins/helpers/taints.js';

/** What to do with one pod now. */
export type EvictionPlan = { kind: 'keep' } | { kind: 'evictNow' } | { kind: 'evictAt'; at: number };

/** Plans eviction of `pod` given its node's taints at time `now`. */
export function planEviction(pod: Pod, taints: Taint[] | undefined, now: number): EvictionPlan {
  const noExecute = (taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (!noExecute.length) return { kind: 'keep' };
  const tolerations = pod.spec.tolerations ?? [];
  let at = Infinity;
  for (const taint of noExecute) {
    // As upstream, the first toleration matching each taint is the one used.
    const used = tolerations.find((t) => tolerates(t, taint));
    if (!used) return { kind: 'evictNow' };
    if (used.tolerationSeconds === undefined || used.tolerationSeconds === null) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    at = Math.min(at, added + Math.max(0, used.tolerationSeconds) * 1000);
  }
  if (at === Infinity) return { kind: 'keep' };
  return at <= now ? { kind: 'evictNow' } : { kind: 'evictAt', at };
}
