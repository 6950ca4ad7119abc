// Apiserver benchmark (prints figures; not a test). Real etcd on loopback, the apiserver as
// its own process. Run: node --import tsx bench/apiserver/run.ts  (after npm run build)
import http from 'node:http';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../../test/helpers/cluster.js';
import { startApiServerProcess } from '../../test/helpers/processes.js';
import { fmt, report, rssMB, summarize } from '../lib.js';

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

async function main(): Promise<void> {
  const etcd = await startEtcd();
  const api = await startApiServerProcess(etcd.endpoint, ['--max-requests-inflight', '2000', '--max-mutating-requests-inflight', '1000']);
  const u = api.url;
  const lines: string[] = [];
  try {
    await call(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    await call(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'fan' } });

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
    lines.push(report('apiserver RSS with 10k pods', `${fmt(rssMB(api.proc.pid!))} MB`, '<= 400 MB'));

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

    // 4. watch fan-out: 100 watchers x 1,000 events
    const watchers = 100;
    const events = 1000;
    const writers = 16;
    const lrv = JSON.parse((await call(u, 'GET', '/api/v1/namespaces/fan/configmaps')).text).metadata.resourceVersion as string;
    const writtenAt = new Map<string, number>();
    const lags: number[] = [];
    let delivered = 0;
    let lastDelivery = 0;
    let allDone: () => void = () => {};
    const done = new Promise<void>((r) => (allDone = r));
    const reqs: http.ClientRequest[] = [];
    for (let i = 0; i < watchers; i++) {
      const r = http.get(`${u}/api/v1/namespaces/fan/configmaps?watch=true&resourceVersion=${lrv}`, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let j: number;
          while ((j = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, j);
            buf = buf.slice(j + 1);
            const name = /"name":"(ev-\d+)"/.exec(line)?.[1];
            const now = performance.now();
            if (name && writtenAt.has(name)) lags.push(now - writtenAt.get(name)!);
            delivered++;
            lastDelivery = now;
            if (delivered === watchers * events) allDone();
          }
        });
      });
      reqs.push(r);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const f0 = performance.now();
    let n = 0;
    await Promise.all(Array.from({ length: writers }, async () => {
      for (;;) {
        const i = n++;
        if (i >= events) return;
        const name = `ev-${i}`;
        writtenAt.set(name, performance.now());
        await call(u, 'POST', '/api/v1/namespaces/fan/configmaps', { metadata: { name }, data: { v: 'x' } });
      }
    }));
    await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
    const secs = (lastDelivery - f0) / 1000;
    const l = summarize(lags);
    lines.push(report('watch fan-out (100 watchers x 1,000 events)', `${fmt(delivered / secs, 0)} events/s delivered (${delivered}/${watchers * events}), lag p99 ${fmt(l.p99)} ms`, '>= 50,000 events/s'));
    for (const r of reqs) r.destroy();

    // 5. fan-out capacity: the same 100 × 1,000, with the events written straight into etcd so the
    //    apiserver's CPU goes to delivering them (what the watch cache must sustain).
    const etcdClient = new Etcd3({ hosts: [etcd.endpoint] });
    const lrv2 = JSON.parse((await call(u, 'GET', '/api/v1/namespaces/fan/configmaps?limit=1')).text).metadata.resourceVersion as string;
    let delivered2 = 0;
    let last2 = 0;
    let done2: () => void = () => {};
    const finished2 = new Promise<void>((r) => (done2 = r));
    const reqs2: http.ClientRequest[] = [];
    for (let i = 0; i < watchers; i++) {
      reqs2.push(http.get(`${u}/api/v1/namespaces/fan/configmaps?watch=true&resourceVersion=${lrv2}`, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let j: number;
          while ((j = buf.indexOf('\n')) >= 0) {
            buf = buf.slice(j + 1);
            delivered2++;
            last2 = performance.now();
            if (delivered2 === watchers * events) done2();
          }
        });
      }));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const g0 = performance.now();
    let m = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (;;) {
        const i = m++;
        if (i >= events) return;
        const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `direct-${i}`, namespace: 'fan', uid: `u-${i}`, creationTimestamp: '2026-01-01T00:00:00Z' }, data: { v: 'x' } };
        await etcdClient.put(`/registry/configmaps/fan/direct-${i}`).value(JSON.stringify(obj));
      }
    }));
    await Promise.race([finished2, new Promise((r) => setTimeout(r, 60_000))]);
    lines.push(report('watch fan-out capacity (events injected into etcd)', `${fmt(delivered2 / ((last2 - g0) / 1000), 0)} events/s delivered (${delivered2}/${watchers * events})`, '>= 50,000 events/s'));
    for (const r of reqs2) r.destroy();
    etcdClient.close();
  } finally {
    agent.destroy();
    await api.stop();
    await etcd.stop();
  }
}

await main();
