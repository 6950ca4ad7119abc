// Deployment status and conditions (pure), as upstream's calculateStatus and progress helpers.
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';
import { actualSum, availableSum, maxUnavailable, readySum, specSum } from './rollout-math.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';
export const Reasons = {
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  RSUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinAvailable: 'MinimumReplicasAvailable',
  MinUnavailable: 'MinimumReplicasUnavailable',
  FailedRSCreate: 'ReplicaSetCreateError',
} as const;

export function getCondition(s: DeploymentStatus | undefined, type: string): Condition | undefined {
  return s?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Upstream SetDeploymentCondition: same status+reason is a no-op; same status keeps lastTransitionTime. */
export function setCondition(s: DeploymentStatus, c: Condition): void {
  const cur = getCondition(s, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), c];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  if (s.conditions) s.conditions = s.conditions.filter((c) => c.type !== type);
}

/** Status from the ReplicaSets plus the Available condition. */
export function calculateStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableSum(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualSum(all),
    updatedReplicas: newRS ? actualSum([newRS]) : 0,
    readyReplicas: readySum(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specSum(all) - available),
    conditions: structuredClone(d.status?.conditions ?? []),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= (d.spec.replicas ?? 1) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', Reasons.MinAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', Reasons.MinUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

export const hasProgressDeadline = (d: Deployment): boolean => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

/** All replicas updated and available, and the status observes the current generation. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const desired = d.spec.replicas ?? 1;
  return (s.updatedReplicas ?? 0) === desired && (s.replicas ?? 0) === desired && (s.availableReplicas ?? 0) === desired &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Progress since the stored status: more updated/ready/available replicas or fewer old ones. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** Progressing condition older than progressDeadlineSeconds (and not already complete). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === Reasons.NewRSAvailable) return false;
  if (c.reason === Reasons.TimedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + d.spec.progressDeadlineSeconds! * 1000 < now;
}

/**
 * Upstream syncRolloutStatus's condition logic. Steps: 1. no deadline: drop Progressing;
 * 2. unless already complete: complete → NewReplicaSetAvailable, progressing → ReplicaSetUpdated
 * (keeping lastTransitionTime when already True), timed out → ProgressDeadlineExceeded;
 * 3. copy the ReplicaFailure of any RS, or drop ours.
 */
export function rolloutConditions(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, status: DeploymentStatus, now: number): void {
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const cur = getCondition(status, PROGRESSING);
  const complete = status.replicas === status.updatedReplicas && cur?.reason === Reasons.NewRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const name = newRS?.metadata.name ?? '';
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(PROGRESSING, 'True', Reasons.NewRSAvailable, `ReplicaSet "${name}" has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const c = newCondition(PROGRESSING, 'True', Reasons.RSUpdated, `ReplicaSet "${name}" is progressing.`, now);
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      removeCondition(status, PROGRESSING);
      setCondition(status, c);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition(PROGRESSING, 'False', Reasons.TimedOut, `ReplicaSet "${name}" has timed out progressing.`, now));
    }
  }
  const failure = all.map((rs) => rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE && c.status === 'True')).find((c) => c);
  if (failure) setCondition(status, { ...failure, lastUpdateTime: failure.lastTransitionTime });
  else removeCondition(status, REPLICA_FAILURE);
}

/** Milliseconds until the progress deadline should be re-checked, if it can still pass. */
export function msUntilDeadlineCheck(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = getCondition(status, PROGRESSING);
  if (!c || c.reason === Reasons.NewRSAvailable || c.reason === Reasons.TimedOut) return undefined;
  if (deploymentComplete(d, status)) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + d.spec.progressDeadlineSeconds! * 1000 - now) + 1000;
}

/** Compares what we write of a status. */
export function deploymentStatusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  const n = (s: DeploymentStatus | undefined) => JSON.stringify([s?.observedGeneration, s?.replicas ?? 0, s?.updatedReplicas ?? 0, s?.readyReplicas ?? 0,
    s?.availableReplicas ?? 0, s?.unavailableReplicas ?? 0, s?.collisionCount,
    (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.lastUpdateTime, c.lastTransitionTime]).sort()]);
  return n(a) === n(b);
}
