// DefaultPreemption (PostFilter): when a pod fits nowhere, find the node where evicting the fewest,
// least important lower-priority pods makes it fit; delete those victims gracefully and nominate the node.
import type { PodDisruptionBudget } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import { R } from '../../client/resources.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import { Code, Status, type CycleState, type Handle, type PostFilterPlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { podPriority, type PodInfo } from '../framework/pod-info.js';
import { podInfoOf } from '../framework/runtime.js';
import { labelSelectorMatcher } from '../../api/labels.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const MSG_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const MSG_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** A node where preemption would work, with its victims and how many of them break a PDB. */
export interface Candidate { node: string; victims: PodInfo[]; numPDBViolations?: number }

/**
 * Contract (upstream filterPodsWithPDBViolation): splits `pods` (most important first) into those
 * whose eviction would take some matching PDB below zero allowed disruptions and the rest. Each
 * evicted pod spends one disruption of every PDB in its namespace that selects it, unless the PDB
 * already lists it in `status.disruptedPods`; an empty or absent selector selects nothing.
 */
export function filterPodsWithPDBViolation(pods: PodInfo[], pdbs: PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => labelSelectorMatcher(p.spec.selector));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    const pod = pi.pod;
    let violated = false;
    if (pod.metadata.labels && Object.keys(pod.metadata.labels).length) {
      for (let i = 0; i < pdbs.length; i++) {
        const pdb = pdbs[i]!;
        if ((pdb.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) continue;
        const sel = selectors[i]!;
        if (sel.empty || !sel.matches(pod.metadata.labels)) continue;
        if (pdb.status?.disruptedPods && pod.metadata.name! in pdb.status.disruptedPods) continue;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      }
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

const startTime = (p: Pod): string => p.status?.startTime ?? p.metadata.creationTimestamp ?? '';

/**
 * Contract: the minimal victim set on one node, or the status explaining why there is none.
 * 1. remove every lower-priority pod; 2. if the pod still does not fit, give up;
 * 3. re-add victims from most to least important, keeping each one that still lets the pod fit —
 *    first those whose eviction would violate a PodDisruptionBudget, then the others (upstream order).
 */
export function selectVictimsOnNode(h: Handle, state: CycleState, pod: Pod, ni: NodeInfo): { victims?: PodInfo[]; numPDBViolations?: number; status: Status } {
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
  const reprieve = (v: PodInfo): boolean => {
    n2.addPod(v);
    h.runPreFilterExtensionAddPod(s2, pod, v, n2);
    if (h.runFilterPlugins(s2, pod, n2).isSuccess()) return true;
    n2.removePod(v.key);
    h.runPreFilterExtensionRemovePod(s2, pod, v, n2);
    victims.push(v);
    return false;
  };
  const { violating, nonViolating } = filterPodsWithPDBViolation(potential, h.podDisruptionBudgets());
  let numPDBViolations = 0;
  for (const v of violating) if (!reprieve(v)) numPDBViolations++;
  for (const v of nonViolating) reprieve(v);
  return { victims, numPDBViolations, status: Status.OK };
}

/**
 * Contract: upstream order: fewest PDB violations, then lowest highest-victim priority, then lowest
 * priority sum, then fewest victims; the first candidate wins ties.
 */
export function pickCandidate(cands: Candidate[]): Candidate | undefined {
  const key = (c: Candidate): number[] => {
    let maxP = -Infinity;
    let sum = 0;
    for (const v of c.victims) { const p = podPriority(v.pod); maxP = Math.max(maxP, p); sum += p; }
    return [c.numPDBViolations ?? 0, maxP, sum, c.victims.length];
  };
  const less = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
    return false;
  };
  let best: Candidate | undefined;
  let bk: number[] | undefined;
  for (const c of cands) {
    const k = key(c);
    if (!bk || less(k, bk)) { best = c; bk = k; }
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
        if (r.victims && r.victims.length > 0) cands.push({ node: ni.name, victims: r.victims, numPDBViolations: r.numPDBViolations ?? 0 });
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
