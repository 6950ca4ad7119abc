// Benchmark (prints figures, asserts nothing): S Services × P pods → EndpointSlices and Endpoints
// converged, through a real etcd + apiserver with no kubelet. As `kubets up` deploys them, the
// apiserver runs as its own process and the endpoint + endpointslice controllers in this one; the
// load (creating Services, creating pods and marking them Running+Ready with an IP through
// pods/status, as a kubelet would) runs in a child process so that its CPU is not counted as the
// controllers'.
// 1. start etcd, the apiserver process and the two controllers; watch slices and Endpoints here;
// 2. the load child creates S Services (selector app=svc-i) and S×P pods, each marked ready;
// 3. time until every Service has EndpointSlices holding its P ready endpoints, and Endpoints
//    objects holding its P ready addresses;
// 4. print services/s, pods/s and the CPU per endpoint change of the apiserver and the controllers.
// Run: node --import tsx bench/controllers/endpoints.ts [services=1000] [podsPerService=10]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, Endpoints, Pod, Service } from '../../src/api/types/index.js';
import { keyOf } from '../../src/client/cache/interfaces.js';
import { newSharedInformerFactory } from '../../src/client/cache/informer.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startEtcd } from '../../test/helpers/cluster.js';
import { runningStatus } from '../../test/helpers/pod-status.js';
import { startApiServerProcess } from '../../test/helpers/processes.js';
import { cpuMs } from '../lib.js';

const NS = 'default';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const out = (s: string) => process.stdout.write(`${s}\n`);

/** Runs `fn` over 0..n-1 with at most `width` calls in flight. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** The load child: S services, then S×P pods created and marked ready one by one. */
async function load(server: string, S: number, P: number): Promise<void> {
  const cs = new RestClientset({ server });
  const services = cs.resource<Service>(R.services);
  const pods = cs.resource<Pod>(R.pods);
  await pool(S, 32, async (i) => {
    await services.create(NS, { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}` }, spec: { selector: { app: `svc-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  });
  await pool(S * P, 32, async (j) => {
    const i = j % S;
    const pod = await pods.create(NS, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `svc-${i}-${Math.floor(j / S)}`, labels: { app: `svc-${i}`, tier: 'bench' } },
      spec: { nodeName: 'bench-node', containers: [{ name: 'c', image: 'img:1', ports: [{ containerPort: 8080 }] }] },
    });
    await pods.updateStatus(NS, { ...pod, status: runningStatus(pod) });
  });
}

/** Per-service count of ready endpoints, kept from an informer's events. */
class ReadyCounter<T extends EndpointSlice | Endpoints> {
  private readonly perObject = new Map<string, { svc: string; n: number }>();
  private readonly perService = new Map<string, number>();
  /** Services at exactly `want` ready endpoints. */
  complete = 0;
  constructor(private readonly want: number, private readonly count: (o: T) => { svc: string; n: number } | undefined, private readonly onChange: () => void) {}

  private add(svc: string, d: number): void {
    const before = this.perService.get(svc) ?? 0;
    const after = before + d;
    this.perService.set(svc, after);
    if (before === this.want) this.complete--;
    if (after === this.want) this.complete++;
  }

  set(o: T | undefined, key: string): void {
    const old = this.perObject.get(key);
    if (old) this.add(old.svc, -old.n);
    this.perObject.delete(key);
    const c = o && this.count(o);
    if (c) {
      this.perObject.set(key, c);
      this.add(c.svc, c.n);
    }
    this.onChange();
  }
}

async function main(S: number, P: number): Promise<void> {
  const etcd = await startEtcd();
  const api = await startApiServerProcess(etcd.endpoint);
  const apiPid = api.proc.pid!;
  const cs = new RestClientset({ server: api.url });
  const stop = new AbortController();
  const mgr = new ControllerManager({ clientset: cs, clock: realClock, logger: silentLogger(), controllers: 'endpoint,endpointslice' });
  const running = mgr.start(stop.signal);
  try {
    // 1. watch slices and Endpoints; note when each kind has converged
    const t0 = Date.now();
    const done = { slices: 0, endpoints: 0 };
    let converged: () => void = () => undefined;
    const allDone = new Promise<void>((r) => (converged = r));
    const check = () => {
      if (!done.slices && slices.complete === S) done.slices = Date.now();
      if (!done.endpoints && endpoints.complete === S) done.endpoints = Date.now();
      if (done.slices && done.endpoints) converged();
    };
    const slices = new ReadyCounter<EndpointSlice>(P, (s) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc ? { svc, n: (s.endpoints ?? []).filter((e) => e.conditions?.ready).length } : undefined;
    }, check);
    const endpoints = new ReadyCounter<Endpoints>(P, (e) => ({ svc: e.metadata.name!, n: (e.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0) }), check);
    const factory = newSharedInformerFactory(cs);
    for (const [ref, counter] of [[R.endpointslices, slices], [R.endpoints, endpoints]] as const) {
      const inf = factory.informerFor<EndpointSlice & Endpoints>(ref, { namespace: NS });
      inf.addEventHandler({ onAdd: (o) => counter.set(o, keyOf(o)), onUpdate: (_o, n) => counter.set(n, keyOf(n)), onDelete: (o) => counter.set(undefined, keyOf(o)) });
    }
    factory.start(stop.signal);
    await factory.waitForSync(stop.signal);
    // 2. the load, in its own process
    const cpu0 = process.cpuUsage();
    const apiCpu0 = cpuMs(apiPid);
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--load', api.url, String(S), String(P)], { stdio: ['ignore', 'inherit', 'inherit'] });
    const loaded = new Promise<number>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(Date.now()) : reject(new Error(`load exited ${code}`)))));
    // 3. wait for both kinds to converge
    const tLoaded = await loaded;
    await allDone;
    const cpu = process.cpuUsage(cpu0);
    const apiCpu = cpuMs(apiPid) - apiCpu0;
    // 4. figures
    const secs = (Math.max(done.slices, done.endpoints) - t0) / 1000;
    const changes = S * P;
    out(`load (create ${S} services, ${changes} pods + ready status): ${((tLoaded - t0) / 1000).toFixed(2)} s`);
    out(`converged: EndpointSlices after ${((done.slices - t0) / 1000).toFixed(2)} s, Endpoints after ${((done.endpoints - t0) / 1000).toFixed(2)} s (${((Math.max(done.slices, done.endpoints) - tLoaded) / 1000).toFixed(2)} s after the load ended)`);
    out(`rate: ${(S / secs).toFixed(0)} services/s, ${(changes / secs).toFixed(0)} pods/s`);
    out(`CPU per endpoint change (one pod's endpoint in its slice and its Endpoints): apiserver ${(apiCpu / changes).toFixed(2)} ms (incl. the load's writes), controllers + watch ${((cpu.user + cpu.system) / 1000 / changes).toFixed(2)} ms`);
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    await api.stop();
    await etcd.stop();
  }
}

const args = process.argv.slice(2);
const run = args[0] === '--load' ? load(args[1]!, Number(args[2]), Number(args[3])) : main(Number(args[0] ?? 1000), Number(args[1] ?? 10));
run.then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
