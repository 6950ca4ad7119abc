// Benchmark (prints figures, asserts nothing): through a real etcd + apiserver with no kubelet,
// the apiserver runs as its own process (`kubets apiserver`), the controllers in this one, as
// `kubets up` deploys them.
// 1. a Deployment of N replicas → time until N pods exist (pods/s), counted from a pod watch,
//    plus the CPU time per pod of the apiserver and of the controllers (figures that stay
//    comparable on a loaded machine);
// 2. a rolling update of those N pods with the pod-status helper, checking the surge/unavailable bounds.
// Run: node --import tsx bench/controllers/deployment.ts [N]
import type { Deployment, Pod } from '../../src/api/types/index.js';
import { newSharedInformerFactory } from '../../src/client/cache/informer.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startEtcd } from '../../test/helpers/cluster.js';
import { startApiServerProcess } from '../../test/helpers/processes.js';
import { cpuMs } from '../lib.js';
import { markAllReady } from '../../test/helpers/pod-status.js';

const N = Number(process.argv[2] ?? 1000);
const out = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const etcd = await startEtcd();
  const api = await startApiServerProcess(etcd.endpoint);
  const apiPid = api.proc.pid!;
  const cs = new RestClientset({ server: api.url });
  const stop = new AbortController();
  const mgr = new ControllerManager({ clientset: cs, clock: realClock, logger: silentLogger(), controllers: 'replicaset,deployment' });
  const running = mgr.start(stop.signal);
  try {
    const pods = cs.resource<Pod>(R.pods);
    const ds = cs.resource<Deployment>(R.deployments);
    const live = async () => (await pods.list('default', { labelSelector: 'app=bench' })).items.filter((p) => !p.metadata.deletionTimestamp);
    const tmpl = (image: string) => ({ metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image }] } });
    // 1. watch the bench pods; resolve once N live ones exist
    const watching = new AbortController();
    const podInformer = newSharedInformerFactory(cs).informerFor<Pod>(R.pods, { namespace: 'default', labelSelector: 'app=bench' });
    const liveCount = () => podInformer.store.list().filter((p) => !p.metadata.deletionTimestamp).length;
    let reached: () => void = () => undefined;
    const allThere = new Promise<void>((r) => (reached = r));
    podInformer.addEventHandler({ onAdd: () => podInformer.store.keys().length >= N && liveCount() >= N && reached() });
    void podInformer.start(watching.signal);
    await podInformer.waitForSync(watching.signal);
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const apiCpu0 = cpuMs(apiPid);
    await ds.create('default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bench' },
      spec: { replicas: N, selector: { matchLabels: { app: 'bench' } }, template: tmpl('img:1'), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
    });
    await allThere;
    const secs = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const apiCpu = cpuMs(apiPid) - apiCpu0;
    watching.abort();
    out(`create: ${N} pods in ${secs.toFixed(2)} s = ${(N / secs).toFixed(0)} pods/s (bar ≥ 300); CPU per pod: apiserver ${(apiCpu / N).toFixed(2)} ms, controllers + watch ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms`);
    await markAllReady(cs, 'default', 'app=bench');
    const t1 = Date.now();
    await ds.patch('default', 'bench', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    let maxPods = 0;
    let minReady = Infinity;
    for (;;) {
      const ps = await live();
      maxPods = Math.max(maxPods, ps.length);
      minReady = Math.min(minReady, ps.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
      await markAllReady(cs, 'default', 'app=bench');
      const d = await ds.get('default', 'bench');
      const s = d.status;
      if (s?.updatedReplicas === N && s.availableReplicas === N && s.replicas === N && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const surge = Math.ceil(N * 0.25);
    const unavail = Math.floor(N * 0.25);
    out(`rollout: ${N} pods in ${((Date.now() - t1) / 1000).toFixed(2)} s; max pods ${maxPods} (bound ${N + surge}), min ready ${minReady} (bound ${N - unavail}); ${maxPods <= N + surge && minReady >= N - unavail ? 'no bound violated' : 'BOUND VIOLATED'}`);
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    await api.stop();
    await etcd.stop();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
