// Test helper standing in for a kubelet: writes pod status (Running/Ready, or a terminal phase)
// through the pods/status subresource.
import type { Pod, PodStatus } from '../../src/api/types/index.js';
import type { Clientset } from '../../src/client/interfaces.js';
import { isConflict, isNotFound } from '../../src/client/interfaces.js';
import { R } from '../../src/client/resources.js';

let nextIp = 1;

const nowSeconds = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** The status a kubelet reports for a running pod: phase Running, an IP (kept if set), Ready=`ready` (pure but for the IP counter). */
export function runningStatus(pod: Pod, ready = true): PodStatus {
  const now = nowSeconds();
  const n = nextIp++;
  return {
    ...(pod.status ?? {}),
    phase: 'Running',
    podIP: pod.status?.podIP ?? `10.250.${(n >> 8) & 255}.${n & 255}`,
    startTime: pod.status?.startTime ?? now,
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
    ],
    containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, ready, restartCount: 0, image: c.image ?? '', imageID: '', state: { running: { startedAt: now } } })),
  };
}

/** The status of a pod whose containers ended: Succeeded with exit 0, Failed with `failExitCode`. */
export function finishedStatus(pod: Pod, phase: 'Succeeded' | 'Failed', failExitCode = 1): PodStatus {
  const now = nowSeconds();
  const exitCode = phase === 'Succeeded' ? 0 : failExitCode;
  return {
    ...(pod.status ?? {}),
    phase,
    startTime: pod.status?.startTime ?? now,
    conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' }],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name, ready: false, restartCount: 0, image: c.image ?? '', imageID: '',
      state: { terminated: { exitCode, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: now, finishedAt: now } },
    })),
  };
}

/**
 * Steps: 1. read the pod (gone → done); 2. replace its status with `build(pod)`; 3. write it
 * through pods/status; 4. on a conflict start again (10 attempts).
 */
async function writeStatus(cs: Clientset, namespace: string, name: string, build: (pod: Pod) => PodStatus): Promise<void> {
  const pods = cs.resource<Pod>(R.pods);
  for (let attempt = 0; attempt < 10; attempt++) {
    let pod: Pod;
    try {
      pod = await pods.get(namespace, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    try {
      await pods.updateStatus(namespace, { ...pod, status: build(pod) });
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`could not write the status of ${namespace}/${name}`);
}

/** Sets phase Running, a pod IP and Ready=`ready` on the named pod (retries on conflicts). */
export function setPodReady(cs: Clientset, namespace: string, name: string, ready = true): Promise<void> {
  return writeStatus(cs, namespace, name, (pod) => runningStatus(pod, ready));
}

/** Marks every pod matching `labelSelector` that is not yet ready; returns how many it changed. */
export async function markAllReady(cs: Clientset, namespace: string, labelSelector: string): Promise<number> {
  const list = await cs.resource<Pod>(R.pods).list(namespace, { labelSelector });
  const todo = list.items.filter((p) => !p.metadata.deletionTimestamp && !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  await Promise.all(todo.map((p) => setPodReady(cs, namespace, p.metadata.name!)));
  return todo.length;
}

/** Sets a terminal phase (Succeeded with exit 0, Failed with `failExitCode`, default 1) on the named pod, as a kubelet would. */
export function setPodFinished(cs: Clientset, namespace: string, name: string, phase: 'Succeeded' | 'Failed', failExitCode = 1): Promise<void> {
  return writeStatus(cs, namespace, name, (pod) => finishedStatus(pod, phase, failExitCode));
}
