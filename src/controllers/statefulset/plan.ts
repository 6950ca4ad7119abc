// StatefulSet decisions without I/O: which ordinals to create, which pods to delete, and the status,
// following upstream's defaultStatefulSetControl (OrderedReady waits for each pod Running+Ready
// before the next, scales down from the highest ordinal one at a time; Parallel does not wait;
// RollingUpdate replaces pods from the highest ordinal down to `partition`, one at a time).
import type { Pod, StatefulSet, StatefulSetStatus } from '../../api/types/index.js';
import { CONTROLLER_REVISION_HASH } from '../common/history.js';
import { isPodAvailable, isPodReady } from '../common/pod-util.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** A pod to create: its ordinal and whether it takes the current or the update revision. */
export interface PodToCreate { ordinal: number; revision: 'current' | 'update' }

/** What one sync does: creates, deletes (at most what the policy allows now). */
export interface StatefulSetPlan { create: PodToCreate[]; delete: Pod[] }

/** Inputs of the plan besides the set: its owned pods and revision names. */
export interface PlanInput {
  set: StatefulSet;
  pods: Pod[];
  currentRevision: string;
  updateRevision: string;
  now: number;
}

/** The ordinal encoded in a pod name `<set>-<n>`, or undefined. */
export function ordinalOf(setName: string, pod: Pod): number | undefined {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** The revision label of a pod. */
export const podRevision = (p: Pod): string | undefined => p.metadata.labels?.[CONTROLLER_REVISION_HASH];

const terminating = (p: Pod) => !!p.metadata.deletionTimestamp;
const finished = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
const runningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const healthy = (p: Pod, mrs: number, now: number) => !terminating(p) && p.status?.phase === 'Running' && isPodAvailable(p, mrs, now);

/** First ordinal, replica count and the end of the ordinal range. */
export function ordinalRange(set: StatefulSet): { start: number; end: number } {
  const start = set.spec.ordinals?.start ?? 0;
  return { start, end: start + (set.spec.replicas ?? 1) };
}

/**
 * Plans one sync. Steps:
 * 1. file pods by ordinal: in range (replicas) or condemned (outside, highest first);
 * 2. in ordinal order: delete finished pods, create missing ones; OrderedReady stops at the first
 *    action or at a pod that is terminating or not Running+Ready;
 * 3. condemned pods from the highest ordinal: OrderedReady deletes one and waits, and only when every
 *    replica is healthy; Parallel deletes all;
 * 4. RollingUpdate: from the highest ordinal down to the partition, delete the first pod not at the
 *    update revision, but stop at any unhealthy pod first.
 */
export function planStatefulSet(i: PlanInput): StatefulSetPlan {
  const { set, now } = i;
  const plan: StatefulSetPlan = { create: [], delete: [] };
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  const mrs = set.spec.minReadySeconds ?? 0;
  const { start, end } = ordinalRange(set);
  const byOrdinal = new Map<number, Pod>();
  const condemned: Pod[] = [];
  for (const p of i.pods) {
    const ord = ordinalOf(set.metadata.name!, p);
    if (ord === undefined) continue;
    if (ord >= start && ord < end) byOrdinal.set(ord, p);
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(set.metadata.name!, b)! - ordinalOf(set.metadata.name!, a)!);
  const strategy = set.spec.updateStrategy?.type ?? 'RollingUpdate';
  const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  // 2. replicas in order.
  for (let ord = start; ord < end; ord++) {
    const pod = byOrdinal.get(ord);
    if (pod && finished(pod) && !terminating(pod)) {
      plan.delete.push(pod);
      if (monotonic) return plan;
      continue;
    }
    if (!pod) {
      plan.create.push({ ordinal: ord, revision: strategy === 'RollingUpdate' && ord < start + partition ? 'current' : 'update' });
      if (monotonic) return plan;
      continue;
    }
    if (monotonic && (terminating(pod) || !runningAndReady(pod))) return plan;
  }
  // 3. condemned, highest ordinal first.
  const unhealthyReplica = [...byOrdinal.values()].some((p) => !healthy(p, mrs, now));
  for (const pod of condemned) {
    if (terminating(pod)) {
      if (monotonic) return plan;
      continue;
    }
    if (monotonic && unhealthyReplica) return plan;
    plan.delete.push(pod);
    if (monotonic) return plan;
  }
  if (plan.create.length || plan.delete.length || condemned.length) return plan;
  // 4. rolling update.
  if (strategy !== 'RollingUpdate') return plan;
  for (let ord = end - 1; ord >= start + partition; ord--) {
    const pod = byOrdinal.get(ord)!;
    if (podRevision(pod) !== i.updateRevision && !terminating(pod)) {
      plan.delete.push(pod);
      return plan;
    }
    if (!healthy(pod, mrs, now)) return plan;
  }
  return plan;
}

/**
 * The status of the set from its pods (upstream computeReplicaStatus + completeRollingUpdate):
 * counts over owned pods; once every pod is updated and ready, the current revision becomes the update revision.
 */
export function computeStatefulSetStatus(i: PlanInput & { collisionCount: number }): StatefulSetStatus {
  const mrs = i.set.spec.minReadySeconds ?? 0;
  const s: StatefulSetStatus = {
    observedGeneration: i.set.metadata.generation, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0,
    currentRevision: i.currentRevision, updateRevision: i.updateRevision, collisionCount: i.collisionCount,
  };
  for (const p of i.pods) {
    if (ordinalOf(i.set.metadata.name!, p) === undefined) continue;
    s.replicas++;
    if (runningAndReady(p)) {
      s.readyReplicas!++;
      if (isPodAvailable(p, mrs, i.now)) s.availableReplicas!++;
    }
    if (!terminating(p)) {
      if (podRevision(p) === i.currentRevision) s.currentReplicas!++;
      if (podRevision(p) === i.updateRevision) s.updatedReplicas!++;
    }
  }
  if ((i.set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && s.updatedReplicas === s.replicas && s.readyReplicas === s.replicas) {
    s.currentRevision = i.updateRevision;
    s.currentReplicas = s.updatedReplicas;
  }
  if (i.set.status?.conditions) s.conditions = i.set.status.conditions;
  return s;
}
