// DefaultPreemption (PostFilter): when a pod fits nowhere, find the node where evicting the fewest,
// least important lower-priority pods makes it fit; delete those victims gracefully and nominate the node.
import type { Pod } from '../../api/types/core.js';
import { R } from '../../client/resources.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import { Code, Status, type CycleState, type Handle, type PostFilterPlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { podPriority, type PodInfo } from '../framework/pod-info.js';
import { podInfoOf } from '../framework/runtime.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const MSG_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const MSG_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** A node where preemption would work, with its victims. */
export interface Candidate { node: string; victims: PodInfo[] }

const startTime = (p: Pod): string => p.status?.startTime ?? p.metadata.creationTimestamp ?? '';

/**
 * Contract: the minimal victim set on one node, or the status explaining why there is none.
 * 1. remove every lower-priority pod; 2. if the pod still does not fit, give up;
 * 3. re-add victims from most to least important, keeping each one that still lets the pod fit.
 */
export function selectVictimsOnNode(h: Handle, state: CycleState, pod: Pod, ni: NodeInfo): { victims?: PodInfo[]; status: Status } {
  const prio = podPriority(pod);
  const potential = ni.pods.filter((p) => podPriority(p.pod) < prio);
  if (potential.length === 0) return { status: Status.unresolvable(MSG_NO_VICTIMS) };
  const n2 = ni.clone();
  const s2 = state.clone();
  // 1.
  for (const v of potential) { n2.removePod(v.key); h.runPreFilterExtensionRemovePod(s2, pod, v, n2); }
  // 2.
  const fit = h.runFilterPlugins(s2, pod, n2);
  if (!fit.isSuccess()) return { status: fit };
  // 3.
  potential.sort((a, b) => podPriority(b.pod) - podPriority(a.pod) || startTime(a.pod).localeCompare(startTime(b.pod)));
  const victims: PodInfo[] = [];
  for (const v of potential) {
    n2.addPod(v);
    h.runPreFilterExtensionAddPod(s2, pod, v, n2);
    if (!h.runFilterPlugins(s2, pod, n2).isSuccess()) {
      n2.removePod(v.key);
      h.runPreFilterExtensionRemovePod(s2, pod, v, n2);
      victims.push(v);
    }
  }
  return { victims, status: Status.OK };
}

/** Contract: upstream order: lowest highest-victim priority, then lowest priority sum, then fewest victims. */
export function pickCandidate(cands: Candidate[]): Candidate | undefined {
  const key = (c: Candidate) => {
    let maxP = -Infinity;
    let sum = 0;
    for (const v of c.victims) { const p = podPriority(v.pod); maxP = Math.max(maxP, p); sum += p; }
    return [maxP, sum, c.victims.length] as const;
  };
  let best: Candidate | undefined;
  let bk: readonly [number, number, number] | undefined;
  for (const c of cands) {
    const k = key(c);
    if (!bk || k[0] < bk[0] || (k[0] === bk[0] && (k[1] < bk[1] || (k[1] === bk[1] && k[2] < bk[2])))) { best = c; bk = k; }
  }
  return best;
}

/** Contract: PostFilter only. Success carries `nominatedNodeName`; failure carries the "preemption: ..." message. */
export function newDefaultPreemption(_args: unknown, h: Handle): PostFilterPlugin {
  return {
    name: DEFAULT_PREEMPTION,
    postFilter: async (state, pod, filtered) => {
      // 1. eligibility
      if (pod.spec.preemptionPolicy === 'Never') return { status: Status.unschedulable(MSG_POLICY_NEVER) };
      const snap = h.snapshot();
      const nominated = pod.status?.nominatedNodeName;
      if (nominated) {
        const ni = snap.get(nominated);
        if (ni?.pods.some((p) => p.pod.metadata.deletionTimestamp && podPriority(p.pod) < podPriority(pod))) return { status: Status.unschedulable(MSG_TERMINATING) };
      }
      // 2. dry run on every node that failed for a resolvable reason
      const nodeStatus = new Map<string, Status>();
      const cands: Candidate[] = [];
      for (const ni of snap.list()) {
        const st = filtered.get(ni.name);
        if (st?.code === Code.UnschedulableAndUnresolvable) { nodeStatus.set(ni.name, Status.unresolvable(MSG_NOT_HELPFUL)); continue; }
        const r = selectVictimsOnNode(h, state, pod, ni);
        if (r.victims && r.victims.length > 0) cands.push({ node: ni.name, victims: r.victims });
        else nodeStatus.set(ni.name, r.status.isSuccess() ? Status.unresolvable(MSG_NO_VICTIMS) : r.status);
      }
      // 3. choose
      const best = pickCandidate(cands);
      if (!best) return { status: Status.unschedulable('preemption: ' + fitErrorMessage(snap.numNodes(), { nodeToStatus: nodeStatus, unschedulablePlugins: new Set() })) };
      // 4. evict victims gracefully through the API
      const pods = h.clientset?.resource<Pod>(R.pods);
      for (const v of best.victims) {
        h.logger.info({ pod: podInfoOf(pod).key, victim: v.key, node: best.node }, 'preempting victim');
        try {
          await pods?.delete(v.pod.metadata.namespace, v.pod.metadata.name!, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: v.pod.metadata.uid } });
        } catch (e) {
          h.logger.warn({ victim: v.key, err: (e as Error).message }, 'victim delete failed');
        }
      }
      return { status: Status.OK, result: { nominatedNodeName: best.node } };
    },
  };
}
