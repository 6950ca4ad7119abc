// Pod start-up benchmark (prints figures; not a test). In one run on this machine:
// the raw CRI floor (RunPodSandbox → CreateContainer → StartContainer straight to containerd)
// and kubets (pod created with spec.nodeName → Running observed by a watch), for 20 pods one at
// a time and 30 pods at once. Run as root after `npm run build`: node --import tsx bench/podstartup/run.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { cleanupRaw, FLOOR_IMAGE, rawBurst, rawPod } from './floor.js';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import { startEtcd } from '../../test/helpers/cluster.js';
import { startApiServerProcess, startKubets } from '../../test/helpers/processes.js';
import { CRI_ENDPOINT, ensureRuntime } from '../../test/helpers/containerd.js';
import { freePort } from '../../test/helpers/ports.js';
import { fmt, json, report, rssMB, summarize } from '../lib.js';

const IMAGE = FLOOR_IMAGE;

/** Watches pods in a namespace; resolves each name's Running time via `waitRunning`. */
function podWatcher(api: string, ns: string) {
  const runningAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const req = http.get(`${api}/api/v1/namespaces/${ns}/pods?watch=true`, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      buf += c;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const ev = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        const name = ev.object?.metadata?.name;
        if (ev.object?.status?.phase === 'Running' && !runningAt.has(name)) {
          runningAt.set(name, performance.now());
          waiters.get(name)?.();
        }
      }
    });
  });
  return {
    waitRunning: (name: string) => (runningAt.has(name) ? Promise.resolve(runningAt.get(name)!) : new Promise<number>((r) => waiters.set(name, () => r(runningAt.get(name)!)))),
    stop: () => req.destroy(),
  };
}

async function main(): Promise<void> {
  const runtime = await ensureRuntime();
  const cri = new CriClient({ endpoint: CRI_ENDPOINT });
  await cri.pullImage(IMAGE);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-bench-logs-'));
  const run = randomUUID().slice(0, 8);
  const etcd = await startEtcd();
  const api = await startApiServerProcess(etcd.endpoint);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-bench-kubelet-'));
  const node = `bench-${run}`;
  const kubelet = startKubets(['kubelet', '--kubeconfig', api.kubeconfig, '--node-name', node, '--root-dir', root, '--port', String(await freePort()), '--node-ip', '127.0.0.1'], { KUBETS_LOG_LEVEL: 'warn' });
  try {
    // 1. raw CRI floor
    const rawSeq: number[] = [];
    for (let i = 0; i < 20; i++) rawSeq.push(await rawPod(cri, run, i, logDir));
    await cleanupRaw(cri, run);
    const rawBurstSecs = (await rawBurst(cri, run, 30, logDir)).totalSecs;
    // 2. kubets: wait for the node, then pods bound to it
    for (let i = 0; i < 100 && (await json('GET', `${api.url}/api/v1/nodes/${node}`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 200));
    await json('POST', `${api.url}/api/v1/namespaces`, { metadata: { name: 'bench' } });
    const w = podWatcher(api.url, 'bench');
    await new Promise((r) => setTimeout(r, 300));
    const pod = (name: string) => ({ metadata: { name }, spec: { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: IMAGE, command: ['sleep', '3600'] }] } });
    const kSeq: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await json('POST', `${api.url}/api/v1/namespaces/bench/pods`, pod(`seq-${i}`));
      kSeq.push((await w.waitRunning(`seq-${i}`)) - t0);
    }
    const kb0 = performance.now();
    await Promise.all(Array.from({ length: 30 }, async (_, i) => {
      await json('POST', `${api.url}/api/v1/namespaces/bench/pods`, pod(`burst-${i}`));
      await w.waitRunning(`burst-${i}`);
    }));
    const kBurstSecs = (performance.now() - kb0) / 1000;
    const rss = rssMB(kubelet.proc.pid!);
    w.stop();
    const rs = summarize(rawSeq);
    const ks = summarize(kSeq);
    report('raw CRI, 20 pods one at a time', `p50 ${fmt(rs.p50)} ms, p99 ${fmt(rs.p99)} ms`);
    report('kubets, 20 pods one at a time (create → Running)', `p50 ${fmt(ks.p50)} ms, p99 ${fmt(ks.p99)} ms`);
    report('single-pod p50 overhead over the floor', `${fmt(ks.p50 - rs.p50)} ms`, '<= 150 ms');
    report('raw CRI, 30 pods at once', `${fmt(30 / rawBurstSecs)} pods/s`);
    report('kubets, 30 pods at once', `${fmt(30 / kBurstSecs)} pods/s`);
    report('burst throughput ratio (kubets / floor)', `${fmt(rawBurstSecs / kBurstSecs, 2)}`, '>= 0.8');
    report('kubelet RSS with 50 pods', `${fmt(rss)} MB`, '<= 150 MB');
    // 3. clean up: delete the pods, let the kubelet tear them down
    const pods = (await json('GET', `${api.url}/api/v1/namespaces/bench/pods`)).body.items as { metadata: { name: string } }[];
    await Promise.all(pods.map((p) => json('DELETE', `${api.url}/api/v1/namespaces/bench/pods/${p.metadata.name}`)));
    for (let i = 0; i < 300; i++) {
      if (((await json('GET', `${api.url}/api/v1/namespaces/bench/pods`)).body.items ?? []).length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await kubelet.stop();
    for (const s of await cri.listPodSandbox({ labels: { 'io.kubernetes.pod.namespace': 'bench' } })) {
      await cri.stopPodSandbox(s.id).catch(() => {});
      await cri.removePodSandbox(s.id).catch(() => {});
    }
    await cleanupRaw(cri, run);
    cri.close();
    await api.stop();
    await etcd.stop();
    await runtime.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
