// Test helper standing in for a kubelet: marks pods Running/Ready through the pods/status subresource.
import type { Pod } from '../../src/api/types/index.js';
import type { Clientset } from '../../src/client/interfaces.js';
import { isConflict, isNotFound } from '../../src/client/interfaces.js';
import { R } from '../../src/client/resources.js';

let nextIp = 1;

/** Sets phase Running, a pod IP and Ready=`ready` on the named pod (retries on conflicts). */
export async function setPodReady(cs: Clientset, namespace: string, name: string, ready = true): Promise<void> {
  const pods = cs.resource<Pod>(R.pods);
  for (let attempt = 0; attempt < 10; attempt++) {
    let pod: Pod;
    try {
      pod = await pods.get(namespace, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const n = nextIp++;
    pod.status = {
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
    try {
      await pods.updateStatus(namespace, pod);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`could not mark ${namespace}/${name} ready`);
}

/** Marks every pod matching `labelSelector` that is not yet ready; returns how many it changed. */
export async function markAllReady(cs: Clientset, namespace: string, labelSelector: string): Promise<number> {
  const list = await cs.resource<Pod>(R.pods).list(namespace, { labelSelector });
  const todo = list.items.filter((p) => !p.metadata.deletionTimestamp && !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  await Promise.all(todo.map((p) => setPodReady(cs, namespace, p.metadata.name!)));
  return todo.length;
}

/** Sets a terminal phase (Succeeded with exit 0, Failed with `failExitCode`, default 1) on the named pod, as a kubelet would. */
export async function setPodFinished(cs: Clientset, namespace: string, name: string, phase: 'Succeeded' | 'Failed', failExitCode = 1): Promise<void> {
  const pods = cs.resource<Pod>(R.pods);
  for (let attempt = 0; attempt < 10; attempt++) {
    let pod: Pod;
    try {
      pod = await pods.get(namespace, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const exitCode = phase === 'Succeeded' ? 0 : failExitCode;
    pod.status = {
      ...(pod.status ?? {}),
      phase,
      startTime: pod.status?.startTime ?? now,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' }],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name, ready: false, restartCount: 0, image: c.image ?? '', imageID: '',
        state: { terminated: { exitCode, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: now, finishedAt: now } },
      })),
    };
    try {
      await pods.updateStatus(namespace, pod);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`could not finish ${namespace}/${name}`);
}
