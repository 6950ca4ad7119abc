// In-process scheduling throughput without the API: the Scheduler over a recording clientset.
// Measures pure scheduleOne cost (queue, snapshot, filter, score, assume, bind call) per scenario.
//
//   node --import tsx bench/scheduler/algorithm.ts [--nodes 1000,5000] [--pods 10000]
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { RecordingClientset } from '../../src/scheduler/testing/fake-clientset.js';
import { makeNode, makePod } from '../../src/scheduler/testing/fixtures.js';
import { flagString, parseFlags } from '../../src/util/flags.js';

type Scenario = 'plain' | 'anti' | 'spread';

async function run(s: Scenario, nodes: number, pods: number): Promise<void> {
  const cs = new RecordingClientset();
  const sched = new Scheduler({ clientset: cs, maxInFlightBinds: 1_000_000 });
  for (let i = 0; i < nodes; i++) sched.handleNodeAdd(makeNode(`node-${i}`, { cpu: '32', memory: '128Gi', labels: { 'topology.kubernetes.io/zone': `zone-${i % 10}` } }));
  const groups = Math.max(1, Math.ceil((pods * 2) / nodes));
  for (let i = 0; i < pods; i++) {
    const p = makePod(`p-${i}`, { cpu: '10m', memory: '16Mi' });
    if (s === 'anti') {
      p.metadata.labels = { group: `g${i % groups}` };
      p.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group: `g${i % groups}` } }, topologyKey: 'kubernetes.io/hostname' }] } };
    } else if (s === 'spread') {
      p.metadata.labels = { app: 'spread' };
      p.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }];
    }
    sched.handlePodAdd(p);
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < pods; i++) {
    await sched.scheduleOne();
  }
  await sched.waitForBindings();
  // confirm bindings as the watch would, so the cache state is realistic for the next phase
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const b = Object.keys(cs.bindings()).length;
  // CPU time per pod (user+system) is what to compare on a shared machine; pods/s is wall-clock.
  const cpuMsPerPod = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, b)) * 1000) / 1000;
  console.log(JSON.stringify({ scenario: s, nodes, pods, bound: b, cpuMsPerPod, podsPerSec: Math.round(b / secs), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
}

const f = parseFlags(process.argv.slice(2));
for (const n of flagString(f, 'nodes', '1000,5000').split(',').map(Number)) {
  for (const s of flagString(f, 'scenarios', 'plain,anti,spread').split(',') as Scenario[]) await run(s, n, Number(flagString(f, 'pods', '10000')));
}
