// ReplicaSet status computation (pure).
import type { Condition, Pod, ReplicaSet, ReplicaSetStatus } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';
import { isPodAvailable, isPodReady } from '../common/pod-util.js';

/** The error of the last create/delete round, which becomes the ReplicaFailure condition. */
export interface ManageError { reason: 'FailedCreate' | 'FailedDelete'; message: string }

/**
 * New status from the active owned pods. Steps: 1. count replicas, fully labeled (all template labels
 * present), ready and available (ready for minReadySeconds); 2. set or clear ReplicaFailure;
 * 3. observedGeneration follows metadata.generation.
 */
export function computeReplicaSetStatus(rs: ReplicaSet, pods: Pod[], now: number, err?: ManageError): ReplicaSetStatus {
  const tmplLabels = rs.spec.template?.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(tmplLabels).every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration,
  };
  let conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const old = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (err) {
    const c: Condition = { type: 'ReplicaFailure', status: 'True', reason: err.reason, message: err.message, lastTransitionTime: old?.status === 'True' ? old.lastTransitionTime : rfc3339(now) };
    conditions = [...conditions, c];
  } else if (old && (rs.spec.replicas ?? 1) !== pods.length) {
    conditions = [...conditions, old];
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Whether two statuses differ in anything we write. */
export function statusChanged(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  const norm = (s: ReplicaSetStatus | undefined) => JSON.stringify({
    r: s?.replicas ?? 0, f: s?.fullyLabeledReplicas ?? 0, rd: s?.readyReplicas ?? 0, a: s?.availableReplicas ?? 0,
    g: s?.observedGeneration, c: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]),
  });
  return norm(a) !== norm(b);
}
