// The scheduler against a real etcd + apiserver with node objects only (no kubelets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Namespace, Node, Pod, PodDisruptionBudget, PriorityClass } from '../../src/api/types/index.js';
import type { Clientset } from '../../src/client/interfaces.js';
import { R } from '../../src/client/resources.js';
import { RestClientset } from '../../src/client/rest.js';
import { runSchedulerApp } from '../../src/scheduler/app.js';
import { parseSchedulerConfig } from '../../src/scheduler/config.js';
import type { Scheduler } from '../../src/scheduler/scheduler.js';
import { makeNode, makePod, type NodeOpts, type PodOpts } from '../../src/scheduler/testing/fixtures.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';

interface Env { cs: Clientset; url: string; startScheduler(o?: { leaderElect?: boolean; config?: string; identity?: string }): { stop(): Promise<void>; sched(): Scheduler | undefined; terms(): Scheduler[] } }

/** A fresh etcd + apiserver per test, torn down (schedulers first) even when the test fails. */
async function withCluster(fn: (env: Env) => Promise<void>): Promise<void> {
  const etcd = await startEtcd();
  const stops: (() => Promise<void>)[] = [];
  try {
    const api = await startApiServer({ etcd });
    stops.push(() => api.stop());
    const cs = new RestClientset({ server: api.url, userAgent: 'scheduler-test' });
    const running: (() => Promise<void>)[] = [];
    const startScheduler: Env['startScheduler'] = (o = {}) => {
      const ctl = new AbortController();
      let s: Scheduler | undefined;
      // One Scheduler per leadership term: a busy machine may make a leader lose and regain the lease.
      const terms: Scheduler[] = [];
      const done = runSchedulerApp({
        clientset: new RestClientset({ server: api.url, userAgent: 'kubets-scheduler' }),
        config: parseSchedulerConfig(o.config ?? 'kind: KubeSchedulerConfiguration\n'),
        logger: silentLogger(), leaderElect: !!o.leaderElect, port: -1,
        ...(o.identity ? { identity: o.identity } : {}),
        onScheduler: (x) => { s = x; terms.push(x); },
      }, ctl.signal);
      const stop = async () => { ctl.abort(); await done; };
      running.push(stop);
      return { stop, sched: () => s, terms: () => terms };
    };
    try {
      await fn({ cs, url: api.url, startScheduler });
    } finally {
      for (const s of running) await s();
    }
  } finally {
    for (const s of stops.reverse()) await s();
    await etcd.stop();
  }
}

const createNode = (cs: Clientset, name: string, o: NodeOpts = {}) => cs.resource<Node>(R.nodes).create(undefined, makeNode(name, o));
const createPod = (cs: Clientset, name: string, o: PodOpts = {}) => {
  const p = makePod(name, o);
  delete (p.metadata as { uid?: string }).uid;
  delete (p.metadata as { creationTimestamp?: string }).creationTimestamp;
  delete p.status;
  return cs.resource<Pod>(R.pods).create('default', p);
};
const getPod = (cs: Clientset, name: string) => cs.resource<Pod>(R.pods).get('default', name);
const boundTo = async (cs: Clientset, name: string, timeoutMs = 15_000) => eventually(async () => (await getPod(cs, name)).spec.nodeName, timeoutMs, `${name} bound`);
const failedScheduling = (cs: Clientset, name: string) =>
  eventually(async () => {
    const evs = await cs.resource<Event>(R.events).list('default');
    return evs.items.filter((e) => e.involvedObject.name === name && e.reason === 'FailedScheduling').map((e) => e.message ?? '').at(-1);
  }, 15_000, `FailedScheduling for ${name}`);

test('resources exhausted: FailedScheduling + PodScheduled=False, then scheduled once a node is added', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    await createNode(cs, 'n1', { cpu: '1' });
    startScheduler();
    await createPod(cs, 'p1', { cpu: '800m' });
    assert.equal(await boundTo(cs, 'p1'), 'n1');
    await createPod(cs, 'p2', { cpu: '800m' });
    const msg = await failedScheduling(cs, 'p2');
    assert.equal(msg, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    const cond = await eventually(async () => (await getPod(cs, 'p2')).status?.conditions?.find((c) => c.type === 'PodScheduled'), 10_000, 'PodScheduled condition');
    assert.deepEqual([cond.status, cond.reason], ['False', 'Unschedulable']);
    const scheduled = await eventually(async () => {
      const evs = await cs.resource<Event>(R.events).list('default');
      return evs.items.find((e) => e.involvedObject.name === 'p1' && e.reason === 'Scheduled');
    }, 10_000, 'Scheduled event');
    assert.equal(scheduled.message, 'Successfully assigned default/p1 to n1');
    await createNode(cs, 'n2', { cpu: '2' });
    assert.equal(await boundTo(cs, 'p2'), 'n2');
  });
});

test('taints and tolerations', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    await createNode(cs, 'gpu', { labels: { kind: 'gpu' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await createNode(cs, 'plain', { labels: { kind: 'plain' } });
    startScheduler();
    for (let i = 0; i < 4; i++) await createPod(cs, `any-${i}`);
    await createPod(cs, 'tolerant', { spec: { nodeSelector: { kind: 'gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
    await createPod(cs, 'intolerant', { spec: { nodeSelector: { kind: 'gpu' } } });
    for (let i = 0; i < 4; i++) assert.equal(await boundTo(cs, `any-${i}`), 'plain');
    assert.equal(await boundTo(cs, 'tolerant'), 'gpu');
    assert.equal(
      await failedScheduling(cs, 'intolerant'),
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
  });
});

test('required anti-affinity spreads replicas one per node; the extra replica is unschedulable', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    for (const n of ['a', 'b', 'c']) await createNode(cs, n);
    startScheduler();
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
    for (let i = 0; i < 4; i++) await createPod(cs, `web-${i}`, { labels: { app: 'web' }, spec: anti });
    const nodes = new Set<string>();
    const pending: string[] = [];
    await eventually(async () => {
      const pods = (await cs.resource<Pod>(R.pods).list('default')).items;
      return pods.filter((p) => p.spec.nodeName).length === 3;
    }, 15_000, '3 bound');
    for (const p of (await cs.resource<Pod>(R.pods).list('default')).items) {
      if (p.spec.nodeName) nodes.add(p.spec.nodeName);
      else pending.push(p.metadata.name!);
    }
    assert.deepEqual([...nodes].sort(), ['a', 'b', 'c']);
    assert.equal(pending.length, 1);
    assert.match(await failedScheduling(cs, pending[0]!), /^0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules\./);
  });
});

test('anti-affinity with namespaceSelector keeps away from pods in labelled namespaces', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    for (const n of ['a', 'b']) await createNode(cs, n);
    await cs.resource<Namespace>(R.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } });
    startScheduler();
    const db = makePod('db', { ns: 'prod', labels: { app: 'db' }, spec: { nodeName: 'a' } });
    delete (db.metadata as { uid?: string }).uid;
    delete (db.metadata as { creationTimestamp?: string }).creationTimestamp;
    delete db.status;
    await cs.resource<Pod>(R.pods).create('prod', db);
    const term = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' };
    // without a namespace selector the term only sees 'default', so both nodes fit; with it, only b
    for (let i = 0; i < 3; i++) {
      await createPod(cs, `far-${i}`, { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term, namespaceSelector: { matchLabels: { env: 'prod' } } }] } } } });
    }
    for (let i = 0; i < 3; i++) assert.equal(await boundTo(cs, `far-${i}`), 'b');
    await createPod(cs, 'all-ns', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'a' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term, namespaceSelector: {} }] } } } });
    assert.match(await failedScheduling(cs, 'all-ns'), /^0\/2 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) didn't match pod anti-affinity rules\./);
  });
});

test('topology spread: maxSkew 1 over zones', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    // zone a has 3 nodes, zone b 1: without the constraint LeastAllocated would favour zone a
    for (const n of ['a1', 'a2', 'a3']) await createNode(cs, n, { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await createNode(cs, 'b1', { labels: { 'topology.kubernetes.io/zone': 'b' } });
    startScheduler();
    const tsc = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 'db' } } }];
    for (let i = 0; i < 6; i++) {
      await createPod(cs, `db-${i}`, { labels: { app: 'db' }, spec: { topologySpreadConstraints: tsc } });
      await boundTo(cs, `db-${i}`);
    }
    const pods = (await cs.resource<Pod>(R.pods).list('default')).items;
    const perZone = { a: 0, b: 0 };
    for (const p of pods) perZone[p.spec.nodeName === 'b1' ? 'b' : 'a']++;
    assert.deepEqual(perZone, { a: 3, b: 3 });
  });
});

/**
 * Creates a pod whose admitted priority is `value`. The apiserver's defaulting sets `spec.priority: 0`
 * before Priority admission runs, which then refuses any `priorityClassName` with a non-zero value;
 * the global default class path does work, so each value is made the (only) global default in turn.
 */
async function createWithPriority(cs: Clientset, name: string, value: number, o: PodOpts): Promise<void> {
  const pcs = cs.resource<PriorityClass>(R.priorityclasses);
  for (const pc of (await pcs.list(undefined)).items) if (pc.globalDefault) await pcs.delete(undefined, pc.metadata.name!);
  await pcs.create(undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `prio-${value}` }, value, globalDefault: true });
  await eventually(async () => {
    const p = await createPod(cs, name, o).catch(() => undefined);
    if (p?.spec.priority === value) return true;
    if (p) await cs.resource<Pod>(R.pods).delete('default', name, { gracePeriodSeconds: 0 }).catch(() => undefined);
    await eventually(async () => cs.resource<Pod>(R.pods).get('default', name).then(() => false, () => true), 5000, `${name} gone`);
    return false;
  }, 15_000, `${name} created with priority ${value}`);
}

test('preemption evicts the lowest-priority victim and the preemptor takes its place', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    await createNode(cs, 'n1', { cpu: '2' });
    startScheduler();
    await createWithPriority(cs, 'keeper', 100, { cpu: '1' });
    await createWithPriority(cs, 'victim', 10, { cpu: '1' });
    await boundTo(cs, 'victim');
    await boundTo(cs, 'keeper');
    await createWithPriority(cs, 'preemptor', 1000, { cpu: '1' });
    // the victim is deleted gracefully (no kubelet here: it stays terminating until we finish it)
    await eventually(async () => {
      try { return !!(await getPod(cs, 'victim')).metadata.deletionTimestamp; } catch { return true; }
    }, 15_000, 'victim terminating');
    assert.equal((await getPod(cs, 'keeper')).metadata.deletionTimestamp, undefined);
    assert.equal(await eventually(async () => (await getPod(cs, 'preemptor')).status?.nominatedNodeName, 10_000, 'nominated'), 'n1');
    // play the kubelet: finish the victim's deletion
    await cs.resource<Pod>(R.pods).delete('default', 'victim', { gracePeriodSeconds: 0 }).catch(() => undefined);
    assert.equal(await boundTo(cs, 'preemptor', 20_000), 'n1');
  });
});

test('preemption prefers victims whose eviction keeps a PodDisruptionBudget (policy/v1 pdb served with status)', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    // the PDB resource and its status subresource (no disruption controller: we set the status)
    const pdbs = cs.resource<PodDisruptionBudget>(R.poddisruptionbudgets);
    await pdbs.create('default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
    await pdbs.patch('default', 'db', 'merge', { status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } }, { subresource: 'status' });
    assert.equal((await pdbs.get('default', 'db')).status?.disruptionsAllowed, 0);
    await createNode(cs, 'n1', { cpu: '1' });
    await createNode(cs, 'n2', { cpu: '1' });
    startScheduler();
    // 'guarded' (priority 10) is the cheaper victim but its PDB allows no disruption; 'free' has priority 50
    await createWithPriority(cs, 'guarded', 10, { cpu: '1', labels: { app: 'db' }, spec: { nodeName: 'n1' } });
    await createWithPriority(cs, 'free', 50, { cpu: '1', labels: { app: 'web' }, spec: { nodeName: 'n2' } });
    await createWithPriority(cs, 'preemptor', 1000, { cpu: '1' });
    assert.equal(await eventually(async () => (await getPod(cs, 'preemptor')).status?.nominatedNodeName, 15_000, 'nominated'), 'n2');
    assert.equal((await getPod(cs, 'guarded')).metadata.deletionTimestamp, undefined);
    await cs.resource<Pod>(R.pods).delete('default', 'free', { gracePeriodSeconds: 0 }).catch(() => undefined);
    assert.equal(await boundTo(cs, 'preemptor', 20_000), 'n2');
  });
});

test('two schedulers with leader election: only the leader binds; the other takes over', async () => {
  await withCluster(async ({ cs, startScheduler }) => {
    for (const n of ['a', 'b', 'c']) await createNode(cs, n);
    const cfg = 'kind: KubeSchedulerConfiguration\nleaderElection:\n  leaseDuration: 3s\n  renewDeadline: 2s\n  retryPeriod: 500ms\n';
    const s1 = startScheduler({ leaderElect: true, config: cfg, identity: 'one' });
    await eventually(() => s1.sched(), 10_000, 'first leader');
    const s2 = startScheduler({ leaderElect: true, config: cfg, identity: 'two' });
    for (let i = 0; i < 10; i++) await createPod(cs, `p${i}`);
    for (let i = 0; i < 10; i++) await boundTo(cs, `p${i}`);
    const scheduled = async (s: Scheduler | undefined) => (s ? (await s.metrics.attempts.get()).values.filter((v) => v.labels.result === 'scheduled').reduce((a, v) => a + v.value, 0) : 0);
    const total = async (h: { terms(): Scheduler[] }) => (await Promise.all(h.terms().map((t) => scheduled(t)))).reduce((a, b) => a + b, 0);
    assert.equal(await total(s1), 10);
    assert.equal(s2.sched(), undefined, 'the follower never started scheduling');
    await s1.stop();
    await createPod(cs, 'after-failover');
    await boundTo(cs, 'after-failover', 20_000);
    assert.equal(await total(s2), 1, 'the new leader scheduled the pod created after failover');
    assert.equal(await total(s1), 10, 'the stopped scheduler scheduled nothing more');
  });
});
