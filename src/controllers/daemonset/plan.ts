// DaemonSet decisions without I/O (upstream manage + rollingUpdate + updateDaemonSetStatus): which
// nodes get a new pod, which pods go, and the status, from the nodes, the owned pods and the hash
// of the live template.
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../../api/types/index.js';
import { CONTROLLER_REVISION_HASH } from '../common/history.js';
import { scaledValue } from '../common/int-or-percent.js';
import { isPodAvailable, isPodReady } from '../common/pod-util.js';
import { nodeShouldRunDaemonPod, targetNodeOf } from './eligibility.js';

/** What one sync does: node names that get a pod, pods to delete, and failed pods seen. */
export interface DaemonSetPlan { createOn: string[]; delete: Pod[]; failed: Pod[] }

/** Inputs of the plan. */
export interface DaemonPlanInput { ds: DaemonSet; nodes: Node[]; pods: Pod[]; hash: string; now: number }

const created = (p: Pod) => (p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0);
const byAge = (a: Pod, b: Pod) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** Whether a daemon pod runs the live template (by its controller-revision-hash label). */
export const isUpdated = (p: Pod, hash: string) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash;

/** Owned pods filed by target node (live pods only; terminating ones are left to finish). */
export function podsByNode(pods: Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = targetNodeOf(p.spec);
    if (!n) continue;
    const list = m.get(n) ?? [];
    list.push(p);
    m.set(n, list);
  }
  for (const list of m.values()) list.sort(byAge);
  return m;
}

/** maxSurge and maxUnavailable resolved against the desired count (surge rounds up, unavailable rounds up; at least one moves). */
export function rollingBounds(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, desired, true, 0);
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, true, 1);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/**
 * Plans one sync. Steps:
 * 1. per node: eligible without a live pod → create; live pods that may not stay → delete; failed
 *    pods → delete (replaced next sync); duplicates → keep the oldest (and, when surging, the oldest updated);
 * 2. unscheduled pods aimed at a node that no longer exists → delete;
 * 3. RollingUpdate (only when step 1 did nothing): with maxSurge, start an updated pod beside old ones
 *    (at once where the old pod is unavailable, else up to maxSurge in flight) and delete old pods
 *    whose updated sibling is available; without, delete old pods up to maxUnavailable.
 */
export function planDaemonSet(i: DaemonPlanInput): DaemonSetPlan {
  const plan: DaemonSetPlan = { createOn: [], delete: [], failed: [] };
  const mrs = i.ds.spec.minReadySeconds ?? 0;
  const byNode = podsByNode(i.pods);
  const bounds = rollingBounds(i.ds, i.nodes.filter((n) => nodeShouldRunDaemonPod(n, i.ds.spec.template.spec).shouldRun).length);
  const surging = (i.ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && bounds.maxSurge > 0;
  const known = new Set(i.nodes.map((n) => n.metadata.name!));
  // 1. per node.
  for (const node of i.nodes) {
    const e = nodeShouldRunDaemonPod(node, i.ds.spec.template.spec);
    const pods = (byNode.get(node.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    if (!e.shouldContinueRunning) {
      plan.delete.push(...pods);
      continue;
    }
    const failed = pods.filter((p) => p.status?.phase === 'Failed');
    plan.failed.push(...failed);
    plan.delete.push(...failed);
    const running = pods.filter((p) => p.status?.phase !== 'Failed');
    if (running.length === 0) {
      if (e.shouldRun && failed.length === 0) plan.createOn.push(node.metadata.name!);
      continue;
    }
    const keep = new Set<Pod>([running[0]!]);
    if (surging) {
      const firstNew = running.find((p) => isUpdated(p, i.hash));
      if (firstNew) keep.add(firstNew);
    }
    plan.delete.push(...running.filter((p) => !keep.has(p)));
  }
  // 2. pods for nodes that are gone and never got bound.
  for (const [node, pods] of byNode) {
    if (known.has(node)) continue;
    plan.delete.push(...pods.filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp));
  }
  if (plan.createOn.length || plan.delete.length) return plan;
  if ((i.ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return plan;
  // 3. rolling update.
  const available = (p: Pod) => isPodAvailable(p, mrs, i.now);
  let unavailable = 0;
  let inFlight = 0;
  const candidates: Pod[] = [];
  const candidateNodes: string[] = [];
  for (const node of i.nodes) {
    if (!nodeShouldRunDaemonPod(node, i.ds.spec.template.spec).shouldRun) continue;
    const pods = (byNode.get(node.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    if (pods.length === 0) continue;
    const newPod = pods.find((p) => isUpdated(p, i.hash));
    const oldPod = pods.find((p) => !isUpdated(p, i.hash));
    if (surging) {
      if (newPod && oldPod) {
        if (available(newPod)) plan.delete.push(oldPod);
        else inFlight++;
      } else if (oldPod) {
        if (!available(oldPod)) plan.createOn.push(node.metadata.name!);
        else candidateNodes.push(node.metadata.name!);
      }
      continue;
    }
    if (newPod && oldPod) unavailable++;
    else if (newPod) {
      if (!available(newPod)) unavailable++;
    } else if (oldPod) {
      if (!available(oldPod)) plan.delete.push(oldPod);
      else candidates.push(oldPod);
    }
  }
  if (surging) plan.createOn.push(...candidateNodes.slice(0, Math.max(0, bounds.maxSurge - inFlight - plan.createOn.length)));
  else plan.delete.push(...candidates.slice(0, Math.max(0, bounds.maxUnavailable - unavailable - plan.delete.length)));
  return plan;
}

/** The status from nodes and pods (per eligible node, its oldest live pod decides ready/available/updated). */
export function computeDaemonSetStatus(i: DaemonPlanInput): DaemonSetStatus {
  const mrs = i.ds.spec.minReadySeconds ?? 0;
  const byNode = podsByNode(i.pods);
  const s: DaemonSetStatus = {
    currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0,
    observedGeneration: i.ds.metadata.generation, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0,
  };
  for (const node of i.nodes) {
    const e = nodeShouldRunDaemonPod(node, i.ds.spec.template.spec);
    const all = byNode.get(node.metadata.name!) ?? [];
    const live = all.filter((p) => !p.metadata.deletionTimestamp);
    if (e.shouldRun) {
      s.desiredNumberScheduled++;
      if (all.length === 0) continue;
      s.currentNumberScheduled++;
      const pod = live[0] ?? all[0]!;
      if (isPodReady(pod)) s.numberReady++;
      if (isPodAvailable(pod, mrs, i.now)) s.numberAvailable!++;
      if (isUpdated(pod, i.hash)) s.updatedNumberScheduled!++;
    } else if (all.length > 0) s.numberMisscheduled++;
  }
  s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable!;
  if (i.ds.status?.collisionCount !== undefined) s.collisionCount = i.ds.status.collisionCount;
  if (i.ds.status?.conditions) s.conditions = i.ds.status.conditions;
  return s;
}
