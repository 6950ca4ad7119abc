// Apiserver benchmark (prints figures; not a test). Real etcd on loopback, the apiserver as
// its own process. Run: node --import tsx bench/apiserver/run.ts  (after npm run build)
// BENCH_ONLY=fanout runs only the watch fan-out measurements (step 4), e.g. for profiling with
// KUBETS_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
import http from 'node:http';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../../test/helpers/cluster.js';
import { startApiServerProcess } from '../../test/helpers/processes.js';
import { cpuMs, fmt, report, rssMB, summarize } from '../lib.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const r = http.request(base + path, { method, agent, headers: data ? { 'Content-Type': contentType, 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    r.on('error', reject);
    r.end(data);
  });
}

const podBody = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, labels: { app: 'bench', shard: String(name.length % 7) } },
  spec: { containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sleep', '3600'], ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
});

const WATCHERS = 100;
const EVENTS = 1000;

/**
 * 1. opens WATCHERS watches on namespace "fan"; 2. makes EVENTS objects named `<prefix>-<i>` with
 * `write` from 16 concurrent writers; 3. counts deliveries and the lag from each write's start.
 */
async function fanOut(u: string, pid: number, prefix: string, write: (name: string) => Promise<void>): Promise<{ rate: number; delivered: number; lagP99: number; cpuPer1k: number }> {
  const rv = JSON.parse((await call(u, 'GET', '/api/v1/namespaces/fan/configmaps?limit=1')).text).metadata.resourceVersion as string;
  const writtenAt = new Map<string, number>();
  const lags: number[] = [];
  const nameRe = new RegExp(`"name":"(${prefix}-\\d+)"`);
  let delivered = 0;
  let last = 0;
  let allDone: () => void = () => {};
  const done = new Promise<void>((r) => (allDone = r));
  const reqs = Array.from({ length: WATCHERS }, () =>
    http.get(`${u}/api/v1/namespaces/fan/configmaps?watch=true&resourceVersion=${rv}`, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let j: number;
        while ((j = buf.indexOf('\n')) >= 0) {
          const name = nameRe.exec(buf.slice(0, j))?.[1];
          buf = buf.slice(j + 1);
          last = performance.now();
          if (name && writtenAt.has(name)) lags.push(last - writtenAt.get(name)!);
          if (++delivered === WATCHERS * EVENTS) allDone();
        }
      });
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = n++; i < EVENTS; i = n++) {
      const name = `${prefix}-${i}`;
      writtenAt.set(name, performance.now());
      await write(name);
    }
  }));
  await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
  const cpu = cpuMs(pid) - cpu0;
  for (const r of reqs) r.destroy();
  return { rate: delivered / ((last - t0) / 1000), delivered, lagP99: summarize(lags).p99, cpuPer1k: (cpu * 1000) / delivered };
}

/** Steps 1-3: create throughput, LIST 10k pods, RSS, GET and mutating latency at 100 writes/s. */
async function createListAndLatency(u: string, pid: number, lines: string[]): Promise<void> {
  // 1. create throughput: 8 concurrent clients, 10,000 pods
  const total = 10_000;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const r = await call(u, 'POST', '/api/v1/namespaces/bench/pods', podBody(`pod-${i}`));
      if (r.status !== 201) throw new Error(`create failed ${r.status} ${r.text}`);
    }
  }));
  const createSecs = (performance.now() - t0) / 1000;
  lines.push(report('create throughput (8 clients, 10k pods)', `${fmt(total / createSecs)} pods/s`));

  // 2. LIST 10k pods from the watch cache and from etcd (best of 3 each)
  const timeList = async (q: string) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      const r = await call(u, 'GET', `/api/v1/namespaces/bench/pods${q}`);
      if (r.status !== 200) throw new Error(`list failed ${r.status}`);
      const n = (JSON.parse(r.text) as { items: unknown[] }).items.length;
      if (n !== total) throw new Error(`list returned ${n}`);
      times.push(performance.now() - s);
    }
    return Math.min(...times);
  };
  lines.push(report('LIST 10k pods from watch cache (rv=0)', `${fmt(await timeList('?resourceVersion=0'))} ms`, '<= 500 ms'));
  lines.push(report('LIST 10k pods from etcd (consistent)', `${fmt(await timeList(''))} ms`));
  lines.push(report('apiserver RSS with 10k pods', `${fmt(rssMB(pid))} MB`, '<= 400 MB'));

  // 3. GET and mutating latency at 100 writes/s for 10 s
  for (let i = 0; i < 50; i++) await call(u, 'POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: `cm-${i}` }, data: { v: '0' } });
  const writes: number[] = [];
  const gets: number[] = [];
  const pending: Promise<void>[] = [];
  const startAt = performance.now();
  for (let i = 0; i < 1000; i++) {
    const due = startAt + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push((async () => {
      const s = performance.now();
      const r = await call(u, 'PATCH', `/api/v1/namespaces/bench/configmaps/cm-${i % 50}`, { data: { v: String(i) } }, 'application/merge-patch+json');
      if (r.status !== 200) throw new Error(`patch ${r.status} ${r.text}`);
      writes.push(performance.now() - s);
    })());
    if (i % 2 === 0) {
      pending.push((async () => {
        const s = performance.now();
        await call(u, 'GET', `/api/v1/namespaces/bench/pods/pod-${i}`);
        gets.push(performance.now() - s);
      })());
    }
  }
  await Promise.all(pending);
  const w = summarize(writes);
  const g = summarize(gets);
  lines.push(report('mutating latency at 100 writes/s', `p50 ${fmt(w.p50)} ms, p99 ${fmt(w.p99)} ms`, 'p99 <= 50 ms'));
  lines.push(report('GET latency at 100 writes/s', `p50 ${fmt(g.p50)} ms, p99 ${fmt(g.p99)} ms`));

}

async function main(): Promise<void> {
  const etcd = await startEtcd();
  const api = await startApiServerProcess(etcd.endpoint, ['--max-requests-inflight', '2000', '--max-mutating-requests-inflight', '1000']);
  const u = api.url;
  const lines: string[] = [];
  try {
    await call(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    await call(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'fan' } });
    if (process.env.BENCH_ONLY !== 'fanout') await createListAndLatency(u, api.proc.pid!, lines);

    // 4. watch fan-out, 100 watchers x 1,000 events: first with the writes going through the same
    //    apiserver (end to end), then injected straight into etcd (the apiserver only delivers).
    const e2e = await fanOut(u, api.proc.pid!, 'ev', (name) => call(u, 'POST', '/api/v1/namespaces/fan/configmaps', { metadata: { name }, data: { v: 'x' } }).then(() => {}));
    lines.push(report('watch fan-out (100 watchers x 1,000 events)', `${fmt(e2e.rate, 0)} events/s delivered (${e2e.delivered}/${WATCHERS * EVENTS}), lag p99 ${fmt(e2e.lagP99)} ms, apiserver CPU ${fmt(e2e.cpuPer1k)} ms per 1,000 events`, '>= 50,000 events/s'));
    const etcdClient = new Etcd3({ hosts: [etcd.endpoint] });
    const direct = await fanOut(u, api.proc.pid!, 'direct', async (name) => {
      const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'fan', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' }, data: { v: 'x' } };
      await etcdClient.put(`/registry/configmaps/fan/${name}`).value(JSON.stringify(obj));
    });
    etcdClient.close();
    lines.push(report('watch fan-out capacity (events injected into etcd)', `${fmt(direct.rate, 0)} events/s delivered (${direct.delivered}/${WATCHERS * EVENTS}), lag p99 ${fmt(direct.lagP99)} ms, apiserver CPU ${fmt(direct.cpuPer1k)} ms per 1,000 events`, '>= 50,000 events/s'));
  } finally {
    agent.destroy();
    await api.stop();
    await etcd.stop();
  }
}

await main();
