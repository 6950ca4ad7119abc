// Scheduler benchmark: real etcd + apiserver (own process) + scheduler (own process), node objects only.
// Prints, per scenario: node registration rate, pods/s end to end (first create → last binding seen by
// watch), pods/s inside the scheduler (pods / summed algorithm time from /metrics), p50/p99 create→bound
// latency, and the scheduler's peak RSS.
//
// Also the scheduler process's CPU time per pod (user+system from /proc, the figure to compare on a
// shared machine). `--sched-node-args=--trace-gc` passes node flags to the scheduler process only;
// `--keep-logs` keeps the process logs (their directory is printed).
//
//   node --import tsx bench/scheduler/run.ts [--nodes 1000,5000] [--pods 10000] [--scenarios plain,anti,spread]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, Pod } from '../../src/api/types/index.js';
import { R } from '../../src/client/resources.js';
import { RestClientset } from '../../src/client/rest.js';
import { makeNode, makePod } from '../../src/scheduler/testing/fixtures.js';
import { flagBool, flagString, parseFlags } from '../../src/util/flags.js';
import { startEtcd } from '../../test/helpers/cluster.js';
import { freePort } from '../../test/helpers/ports.js';

type Scenario = 'plain' | 'anti' | 'spread';
const ROOT = path.resolve(import.meta.dirname, '../..');

function spawnKubets(args: string[], logFile: string, nodeArgs: string[] = []): ChildProcess {
  const out = fs.openSync(logFile, 'w');
  // The compiled binary (as deployed); KUBETS_FROM_SOURCE=1 runs src/ through tsx instead (no build needed).
  const entry = process.env.KUBETS_FROM_SOURCE === '1' ? ['--import', 'tsx', path.join(ROOT, 'bench/scheduler/kubets-entry.ts')] : [path.join(ROOT, 'bin/kubets')];
  return spawn(process.execPath, [...nodeArgs, ...entry, ...args], { cwd: ROOT, stdio: ['ignore', out, out], env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' } });
}

async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
}

async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.pid === undefined) return;
  const done = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(t);
}

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch { return 0; }
}

/** CPU seconds (user + system) the process used so far. */
function cpuSecs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14, 15) in USER_HZ ticks
  } catch { return NaN; }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (i < items.length) await fn(items[i++]!); }));
}

function podFor(s: Scenario, i: number, pods: number, nodes: number): Pod {
  const p = makePod(`p-${i}`, { cpu: '10m', memory: '16Mi' });
  delete (p.metadata as { uid?: string }).uid;
  delete (p.metadata as { creationTimestamp?: string }).creationTimestamp;
  delete p.status;
  if (s === 'anti') {
    // groups small enough to fit one pod per node: pods / groups ≤ nodes / 2
    const groups = Math.max(1, Math.ceil((pods * 2) / nodes));
    p.metadata.labels = { group: `g${i % groups}` };
    p.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group: `g${i % groups}` } }, topologyKey: 'kubernetes.io/hostname' }] } };
  } else if (s === 'spread') {
    p.metadata.labels = { app: 'spread' };
    p.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }];
  }
  return p;
}

function histogramQuantile(text: string, name: string, q: number): number {
  const buckets: [number, number][] = [];
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)".*\\} (\\S+)`).exec(line);
    if (m) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  const total = buckets.at(-1)?.[1] ?? 0;
  for (const [le, c] of buckets) if (c >= q * total) return le;
  return NaN;
}
const metricSum = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
const pct = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface RunOptions { schedNodeArgs: string[]; keepLogs: boolean }

async function runScenario(s: Scenario, numNodes: number, numPods: number, o: RunOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-bench-sched-'));
  const etcd = await startEtcd();
  const apiPort = await freePort();
  const metricsPort = await freePort();
  const api = spawnKubets(['apiserver', '--etcd-servers', etcd.endpoint, '--insecure-bind-address', '127.0.0.1', '--insecure-port', String(apiPort), '--max-requests-inflight', '2000', '--max-mutating-requests-inflight', '1000', '--disable-admission-plugins', 'ServiceAccount'], path.join(dir, 'apiserver.log'));
  let sched: ChildProcess | undefined;
  const ctl = new AbortController();
  try {
    const server = `http://127.0.0.1:${apiPort}`;
    await waitHttp(`${server}/healthz`);
    const cs = new RestClientset({ server, userAgent: 'bench' });
    // 1. nodes (10 zones)
    let t0 = performance.now();
    await pool(Array.from({ length: numNodes }, (_, i) => i), 50, (i) =>
      cs.resource<Node>(R.nodes).create(undefined, makeNode(`node-${i}`, { cpu: '32', memory: '128Gi', pods: '110', labels: { 'topology.kubernetes.io/zone': `zone-${i % 10}` } })));
    const nodeSecs = (performance.now() - t0) / 1000;
    // 2. scheduler process
    const kc = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    sched = spawnKubets(['scheduler', '--kubeconfig', kc, '--port', String(metricsPort)], path.join(dir, 'scheduler.log'), o.schedNodeArgs);
    await waitHttp(`http://127.0.0.1:${metricsPort}/healthz`);
    await new Promise((r) => setTimeout(r, 1500)); // informers synced
    let peakRss = 0;
    const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, rssMB(sched!.pid!)); }, 250);
    // 3. watch bindings
    const created = new Map<string, number>();
    const bound = new Map<string, number>();
    let allBound!: () => void;
    const allBoundP = new Promise<void>((r) => { allBound = r; });
    const list = await cs.resource<Pod>(R.pods).list('default');
    void (async () => {
      for await (const ev of cs.resource<Pod>(R.pods).watch('default', { resourceVersion: list.metadata.resourceVersion! }, ctl.signal)) {
        const p = ev.object;
        if (p.spec?.nodeName && !bound.has(p.metadata.name!)) {
          bound.set(p.metadata.name!, performance.now());
          if (bound.size === numPods) allBound();
        }
      }
    })().catch(() => undefined);
    // 4. pods
    const cpu0 = cpuSecs(sched.pid!);
    t0 = performance.now();
    await pool(Array.from({ length: numPods }, (_, i) => i), 64, async (i) => {
      const pod = podFor(s, i, numPods, numNodes);
      created.set(pod.metadata.name!, performance.now());
      await cs.resource<Pod>(R.pods).create('default', pod);
    });
    const createSecs = (performance.now() - t0) / 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => { timer = setTimeout(r, 600_000); });
    await Promise.race([allBoundP, timeout]);
    clearTimeout(timer);
    clearInterval(rssTimer);
    const schedCpu = cpuSecs(sched.pid!) - cpu0;
    const last = Math.max(...bound.values());
    const e2eSecs = (last - t0) / 1000;
    const lat = [...bound].map(([n, t]) => t - (created.get(n) ?? t)).sort((a, b) => a - b);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const algoSum = metricSum(metrics, /^scheduler_scheduling_algorithm_duration_seconds_sum/);
    const scheduled = metricSum(metrics, /^scheduler_schedule_attempts_total\{result="scheduled"/);
    const attempts = metricSum(metrics, /^scheduler_schedule_attempts_total\{/);
    console.log(JSON.stringify({
      scenario: s, nodes: numNodes, pods: numPods, bound: bound.size,
      nodeCreatePerSec: Math.round(numNodes / nodeSecs),
      podCreatePerSec: Math.round(numPods / createSecs),
      e2ePodsPerSec: Math.round(bound.size / e2eSecs),
      inSchedulerPodsPerSec: Math.round(scheduled / algoSum),
      attempts, scheduled,
      latencyMs: { p50: Math.round(pct(lat, 0.5)), p99: Math.round(pct(lat, 0.99)) },
      schedulerE2eSeconds: { p50: histogramQuantile(metrics, 'scheduler_e2e_scheduling_duration_seconds', 0.5), p99: histogramQuantile(metrics, 'scheduler_e2e_scheduling_duration_seconds', 0.99) },
      schedulerCpuMsPerPod: Math.round((schedCpu * 1000 * 100) / Math.max(1, bound.size)) / 100,
      schedulerPeakRssMB: Math.round(peakRss),
    }));
  } finally {
    ctl.abort();
    if (sched) await stopProc(sched);
    await stopProc(api);
    await etcd.stop();
    if (o.keepLogs) console.log(`logs kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

const f = parseFlags(process.argv.slice(2), { booleans: ['keep-logs'] });
const nodeCounts = flagString(f, 'nodes', '1000,5000').split(',').map(Number);
const pods = Number(flagString(f, 'pods', '10000'));
const scenarios = flagString(f, 'scenarios', 'plain,anti,spread').split(',') as Scenario[];
const opts: RunOptions = { schedNodeArgs: flagString(f, 'sched-node-args', '').split(' ').filter(Boolean), keepLogs: flagBool(f, 'keep-logs', false) };
for (const n of nodeCounts) for (const s of scenarios) await runScenario(s, n, pods, opts);
