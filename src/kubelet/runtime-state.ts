// What the runtime holds for one pod, grouped from CRI lists by the pod-uid label.
import type { ContainerStatus, SandboxSummary } from './cri/runtime-service.js';

export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
export const LABEL_MANAGED = 'kubets.io/managed';
export const ANNOTATION_RESTART_COUNT = 'io.kubernetes.container.restartCount';

/** A pod's runtime view: its sandboxes (newest first) and every container with its status. */
export interface RuntimePod {
  uid: string;
  name: string;
  namespace: string;
  sandboxes: (SandboxSummary & { ip?: string })[];
  containers: ContainerStatus[];
}

/** The container of `name` with the highest attempt (the current one), if any. */
export function latestContainer(rp: RuntimePod | undefined, name: string): ContainerStatus | undefined {
  let best: ContainerStatus | undefined;
  for (const c of rp?.containers ?? []) if (c.name === name && (!best || c.attempt > best.attempt)) best = c;
  return best;
}

/** Restart count carried on a container (annotation written at create). */
export function restartCountOf(c: ContainerStatus | undefined): number {
  return Number(c?.annotations[ANNOTATION_RESTART_COUNT] ?? 0) || 0;
}
