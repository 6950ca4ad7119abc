// Whole-cluster benchmark (prints figures; not a test). With `kubets up` running the whole node:
// 1. the raw CRI floor: 30 pods started at once straight through containerd (bench/podstartup's
//    floor code); 2. a Deployment of 30 replicas → all Ready (per-pod p50/p99 from the pod's
//    first sight in a watch to Ready, and the total); 3. the idle footprint with those 30 pods
//    running: CPU % of one core and RSS of every kubets process, etcd and containerd, over 60 s.
// Run as root after `npm run build`, under the node lock:
//   flock /tmp/kubets-node.lock node --import tsx bench/cluster/run.ts
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import { KUBETS } from '../../test/helpers/processes.js';
import { readPidFile } from '../../src/up/pidfile.js';
import { freePort } from '../../test/helpers/ports.js';
import { fmt, report, rssMB, summarize } from '../lib.js';
import { clientsetFromKubeconfig, type RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import type { Deployment, Namespace, Pod } from '../../src/api/types/index.js';
import { FLOOR_IMAGE, cleanupRaw, rawBurst } from '../podstartup/floor.js';

const REPLICAS = 30;
const IDLE_SECONDS = Number(process.env.KUBETS_BENCH_IDLE_SECONDS ?? 60);
const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Watches pods of a namespace: first sight and first Ready time of each, by name. */
function readyWatcher(cs: RestClientset, ns: string) {
  const seenAt = new Map<string, number>();
  const readyAt = new Map<string, number>();
  let onChange = () => {};
  const ctl = new AbortController();
  void (async () => {
    for await (const ev of cs.resource<Pod>(R.pods).watch(ns, {}, ctl.signal)) {
      const name = ev.object?.metadata?.name ?? '';
      const now = performance.now();
      if (!seenAt.has(name)) seenAt.set(name, now);
      const ready = (ev.object?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready && !readyAt.has(name)) readyAt.set(name, now);
      onChange();
    }
  })().catch(() => {});
  return {
    seenAt,
    readyAt,
    until: (n: number) => new Promise<void>((resolve) => {
      onChange = () => readyAt.size >= n && resolve();
      onChange();
    }),
    stop: () => ctl.abort(),
  };
}

async function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-bench-cluster-'));
  const apiPort = await freePort();
  const up = spawn(process.execPath, [KUBETS, 'up', '--state-dir', stateDir, '--apiserver-port', String(apiPort), '--etcd-port', String(await freePort()), '--node-name', 'bench-cluster'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  up.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  up.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const cri = new CriClient({ endpoint: 'unix:///run/containerd/containerd.sock' });
  const run = randomUUID().slice(0, 8);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-bench-logs-'));
  try {
    for (let i = 0; i < 1200 && !/kubets is up/.test(output); i++) {
      if (up.exitCode !== null) throw new Error(`kubets up exited:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!/kubets is up/.test(output)) throw new Error(`kubets up did not come up:\n${output}`);
    await cri.pullImage(FLOOR_IMAGE);
    const cs = clientsetFromKubeconfig(path.join(stateDir, 'kubeconfig'), 'bench-cluster');
    // 1. the floor, in this run, with the cluster idle beside it
    const floor = await rawBurst(cri, run, REPLICAS, logDir);
    // 2. a Deployment of 30 replicas → all Ready
    await cs.resource<Namespace>(R.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    const w = readyWatcher(cs, 'bench');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await cs.resource<Deployment>(R.deployments).create('bench', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sleepers', namespace: 'bench' },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: 'sleepers' } },
        template: { metadata: { labels: { app: 'sleepers' } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: FLOOR_IMAGE, command: ['sleep', '3600'] }] } },
      },
    });
    await w.until(REPLICAS);
    const totalSecs = (performance.now() - t0) / 1000;
    const perPod = [...w.readyAt].map(([name, at]) => at - (w.seenAt.get(name) ?? t0));
    w.stop();
    cs.close();
    const fs_ = summarize(floor.perPod);
    const ks = summarize(perPod);
    report('raw CRI floor, 30 pods at once: per pod', `p50 ${fmt(fs_.p50)} ms, p99 ${fmt(fs_.p99)} ms`);
    report('raw CRI floor, 30 pods at once: total', `${fmt(floor.totalSecs, 2)} s`);
    report('kubets, Deployment of 30 → Ready: per pod', `p50 ${fmt(ks.p50)} ms, p99 ${fmt(ks.p99)} ms`);
    report('kubets, Deployment of 30 → all Ready: total', `${fmt(totalSecs, 2)} s`);
    report('ratio (kubets total / floor total)', fmt(totalSecs / floor.totalSecs, 2), '<= 1.5');
    // 3. idle footprint with the 30 pods running
    const runDir = path.join(stateDir, 'run');
    const procs = new Map<string, number>();
    for (const f of fs.readdirSync(runDir).filter((n) => n.endsWith('.pid'))) {
      const pid = readPidFile(path.join(runDir, f));
      if (pid) procs.set(f.replace(/\.pid$/, ''), pid);
    }
    const ctr = readPidFile('/run/kubets/containerd.pid') ?? Number(execFileSync('pidof', ['containerd'], { encoding: 'utf8' }).trim().split(' ')[0]);
    procs.set('containerd', ctr);
    await new Promise((r) => setTimeout(r, 5000));
    const cpu0 = new Map([...procs].map(([n, p]) => [n, cpuSeconds(p)]));
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const wall = (performance.now() - w0) / 1000;
    let kubetsCpu = 0;
    let kubetsRss = 0;
    for (const [name, pid] of [...procs].sort()) {
      const pct = ((cpuSeconds(pid) - cpu0.get(name)!) / wall) * 100;
      const rss = rssMB(pid);
      const ours = name !== 'etcd' && name !== 'containerd' && name !== 'registry';
      if (ours) {
        kubetsCpu += pct;
        kubetsRss += rss;
      }
      report(`idle ${name}${ours ? ' (kubets)' : ''}`, `${fmt(pct, 2)} % CPU, ${fmt(rss)} MB RSS`);
    }
    report(`idle kubets processes total (${IDLE_SECONDS} s, 30 pods)`, `${fmt(kubetsCpu, 2)} % of a core, ${fmt(kubetsRss)} MB RSS`, '<= 5 %, <= 500 MB');
  } finally {
    await cleanupRaw(cri, run).catch(() => {});
    cri.close();
    try {
      execFileSync(process.execPath, [KUBETS, 'down', '--state-dir', stateDir], { stdio: 'ignore' });
    } catch {
      /* best effort */
    }
    if (up.exitCode === null) up.kill('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

await main();
