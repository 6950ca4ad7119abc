// The raw CRI floor of pod start-up: RunPodSandbox → CreateContainer → StartContainer straight to
// containerd, no orchestrator in between. Shared by bench/podstartup and bench/cluster.
import { randomUUID } from 'node:crypto';
import type { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import type { SandboxConfig } from '../../src/kubelet/cri/runtime-service.js';

export const FLOOR_IMAGE = 'localhost:5000/busybox:v1';

/** Starts one raw pod labelled with `run`; resolves with its start-up time in ms. */
export async function rawPod(cri: CriClient, run: string, i: number, logDir: string): Promise<number> {
  const t0 = performance.now();
  const sb: SandboxConfig = { metadata: { name: `raw-${i}`, uid: randomUUID(), namespace: 'bench', attempt: 0 }, hostname: `raw-${i}`, logDirectory: logDir, labels: { 'kubets.bench/run': run } };
  const sid = await cri.runPodSandbox(sb);
  const cid = await cri.createContainer(sid, { name: 'c', attempt: 0, image: FLOOR_IMAGE, command: ['sleep', '3600'], logPath: `raw-${i}.log`, labels: { 'kubets.bench/run': run } }, sb);
  await cri.startContainer(cid);
  return performance.now() - t0;
}

/** Stops and removes every raw pod of `run`. */
export async function cleanupRaw(cri: CriClient, run: string): Promise<void> {
  for (const s of await cri.listPodSandbox({ labels: { 'kubets.bench/run': run } })) {
    await cri.stopPodSandbox(s.id).catch(() => {});
    await cri.removePodSandbox(s.id).catch(() => {});
  }
}

/** `n` raw pods started at once: each pod's time (ms) and the total (s); removes them after. */
export async function rawBurst(cri: CriClient, run: string, n: number, logDir: string, first = 100): Promise<{ perPod: number[]; totalSecs: number }> {
  const t0 = performance.now();
  const perPod = await Promise.all(Array.from({ length: n }, (_, i) => rawPod(cri, run, first + i, logDir)));
  const totalSecs = (performance.now() - t0) / 1000;
  await cleanupRaw(cri, run);
  return { perPod, totalSecs };
}
