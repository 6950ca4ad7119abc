// computePodActions (pure): compares a pod's spec with what the runtime holds and decides what
// syncPod must do, as upstream kuberuntime's computePodActions.
import type { Container, Pod } from '../api/types/index.js';
import { latestContainer, restartCountOf, type RuntimePod } from './runtime-state.js';

export interface StartAction {
  container: Container;
  init: boolean;
  attempt: number;
  restartCount: number;
}

export interface PodActions {
  /** Create a (new) sandbox: none ready exists. */
  createSandbox: boolean;
  /** Stop everything of the pod (deletion, or sandbox gone while containers linger). */
  killPod: boolean;
  /** Containers to start now (at most one init container at a time). */
  start: StartAction[];
  /** Containers waiting for their crash back-off: name → ms left. */
  backoff: Record<string, number>;
  /** All init containers have completed. */
  initDone: boolean;
}

/** Back-off state per container: when it may restart next. */
export type BackoffState = Map<string, { until: number; delayMs: number }>;

export function backoffKey(pod: Pod, container: string): string {
  return `${pod.metadata.uid}/${container}`;
}

/** Whether a container that exited with `exitCode` restarts under the pod's policy. */
export function shouldRestart(restartPolicy: string | undefined, exitCode: number): boolean {
  if (restartPolicy === 'Never') return false;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return true;
}

/**
 * 1. sandbox: ready one exists, else create (and kill leftovers);
 * 2. init containers in order: the first not succeeded runs (restart on failure unless Never);
 * 3. app containers: start missing ones; restart exited ones per restartPolicy after back-off.
 */
export function computePodActions(pod: Pod, rp: RuntimePod | undefined, backoff: BackoffState, now: number): PodActions {
  const actions: PodActions = { createSandbox: false, killPod: false, start: [], backoff: {}, initDone: false };
  if (pod.metadata.deletionTimestamp) {
    actions.killPod = true;
    return actions;
  }
  // A pod the API already reports finished never runs again (e.g. after its sandbox went away).
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
    actions.killPod = rp?.containers.some((c) => c.state === 'CONTAINER_RUNNING') ?? false;
    return { ...actions, initDone: true };
  }
  const ready = rp?.sandboxes.find((s) => s.state === 'SANDBOX_READY');
  if (!ready) {
    // A finished pod (all containers done, not restarting) needs no new sandbox.
    if (podFinished(pod, rp)) return { ...actions, initDone: true };
    actions.createSandbox = true;
    actions.killPod = (rp?.containers.length ?? 0) > 0 || (rp?.sandboxes.length ?? 0) > 0;
  }
  const policy = pod.spec.restartPolicy ?? 'Always';
  const waitOrStart = (c: Container, init: boolean) => {
    // Restart counts carry on across sandboxes, as upstream.
    const prev = latestContainer(rp, c.name);
    const b = backoff.get(backoffKey(pod, c.name));
    if (prev && b && b.until > now) {
      actions.backoff[c.name] = b.until - now;
      return;
    }
    actions.start.push({ container: c, init, attempt: prev ? prev.attempt + 1 : 0, restartCount: prev ? restartCountOf(prev) + 1 : 0 });
  };
  // 2. init containers
  for (const c of pod.spec.initContainers ?? []) {
    const cur = actions.createSandbox ? undefined : latestContainer(rp, c.name);
    if (cur?.state === 'CONTAINER_EXITED' && cur.exitCode === 0) continue;
    if (cur?.state === 'CONTAINER_RUNNING' || cur?.state === 'CONTAINER_CREATED') return actions;
    if (cur?.state === 'CONTAINER_EXITED' && policy === 'Never') return actions;
    waitOrStart(c, true);
    return actions;
  }
  actions.initDone = true;
  // 3. app containers
  for (const c of pod.spec.containers) {
    const cur = actions.createSandbox ? undefined : latestContainer(rp, c.name);
    if (!cur) {
      waitOrStart(c, false);
      continue;
    }
    if (cur.state === 'CONTAINER_RUNNING' || cur.state === 'CONTAINER_CREATED') continue;
    if (shouldRestart(policy, cur.exitCode)) waitOrStart(c, false);
  }
  return actions;
}

/** A pod whose containers all ran and will not restart. */
export function podFinished(pod: Pod, rp: RuntimePod | undefined): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Always') return false;
  return pod.spec.containers.every((c) => {
    const cur = latestContainer(rp, c.name);
    return cur?.state === 'CONTAINER_EXITED' && !shouldRestart(policy, cur.exitCode);
  });
}

/** Next back-off for a container that just exited: 10 s doubling to 5 min. */
export function nextBackoff(prev: { delayMs: number } | undefined, now: number): { until: number; delayMs: number } {
  const delayMs = prev ? Math.min(prev.delayMs * 2, 300_000) : 10_000;
  return { until: now + delayMs, delayMs };
}
