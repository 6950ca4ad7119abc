// Node lifecycle, pod GC, ResourceQuota status and a controller-manager restart against a real etcd
// + apiserver with no kubelet: the test renews the node Lease and posts node/pod status itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Lease, Node, Pod, ReplicaSet, ResourceQuota, Service } from '../../src/api/types/index.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { isNotFound } from '../../src/client/interfaces.js';
import { ControllerManager, type ManagerOptions } from '../../src/controllers/manager.js';
import { realClock, rfc3339, rfc3339Micro } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';
import { setPodReady } from '../helpers/pod-status.js';

let etcd: EtcdFixture | undefined;
let api: ApiServerFixture | undefined;
let cs: RestClientset;
const stop = new AbortController();
let running: Promise<void> | undefined;
const T = 60_000;
const GRACE_MS = 3000;

const baseOptions = (): ManagerOptions => ({ clientset: cs, clock: realClock, logger: silentLogger() });

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  cs = new RestClientset({ server: api.url });
  const mgr = new ControllerManager({
    ...baseOptions(), controllers: 'nodelifecycle,podgc,resourcequota',
    nodeMonitorGracePeriodMs: GRACE_MS, nodeMonitorPeriodMs: 500, podGcPeriodMs: 500, podGcQuarantineMs: 1000, terminatedPodGcThreshold: 2, resourceQuotaSyncPeriodMs: 2000,
  });
  running = mgr.start(stop.signal);
});

after(async () => {
  stop.abort();
  await running?.catch(() => undefined);
  await api?.stop();
  await etcd?.stop();
});

const nodes = () => cs.resource<Node>(R.nodes);
const pods = () => cs.resource<Pod>(R.pods);
const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const exists = async (ns: string, name: string) => {
  try {
    return await pods().get(ns, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
};

/** Plays a kubelet's heartbeat: renews the node Lease and posts Ready=True. */
async function heartbeat(name: string): Promise<void> {
  const leases = cs.resource<Lease>(R.leases);
  const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339Micro(Date.now()) };
  try {
    const cur = await leases.get('kube-node-lease', name);
    await leases.update('kube-node-lease', { ...cur, spec: { ...cur.spec, ...spec } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await leases.create('kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec });
  }
}

async function postReady(name: string, status: 'True' | 'False' = 'True'): Promise<void> {
  const n = await nodes().get(undefined, name);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await nodes().updateStatus(undefined, { ...n, status: { ...(n.status ?? {}), conditions: [
    { type: 'Ready', status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: now, lastTransitionTime: now },
    { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: now, lastTransitionTime: now },
  ] } });
}

async function makeNode(name: string): Promise<void> {
  await nodes().create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await postReady(name);
  await heartbeat(name);
}

const boundPod = (name: string, node: string, tolerationSeconds?: number): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: {
    nodeName: node, containers: [{ name: 'c', image: 'img' }],
    tolerations: tolerationSeconds !== undefined ? [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }] : undefined,
  },
});

test('node lifecycle: lease expiry → Unknown + unreachable taints → pods not ready → eviction after tolerationSeconds → back → untainted', async () => {
  await makeNode('n1');
  let alive = true;
  const beat = (async () => {
    while (alive) {
      await heartbeat('n1');
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  await pods().create('default', boundPod('short', 'n1', 2));
  const dflt = await pods().create('default', boundPod('default-tol', 'n1'));
  assert.deepEqual(dflt.spec.tolerations?.map((t) => [t.key, t.tolerationSeconds]).sort(), [['node.kubernetes.io/not-ready', 300], ['node.kubernetes.io/unreachable', 300]], 'DefaultTolerationSeconds admission');
  await setPodReady(cs, 'default', 'short');
  await setPodReady(cs, 'default', 'default-tol');
  // Alive past the grace period: no taints.
  await new Promise((r) => setTimeout(r, GRACE_MS + 1000));
  assert.equal(ready(await nodes().get(undefined, 'n1')), 'True');
  assert.equal((await nodes().get(undefined, 'n1')).spec?.taints?.length ?? 0, 0);
  // The kubelet goes silent.
  alive = false;
  await beat;
  const tainted = await eventually(async () => {
    const n = await nodes().get(undefined, 'n1');
    return ready(n) === 'Unknown' && (n.spec?.taints?.length ?? 0) === 2 && n;
  }, T, 'node Unknown and tainted');
  assert.deepEqual(tainted.spec!.taints!.map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal(tainted.status!.conditions!.find((c) => c.type === 'MemoryPressure')!.status, 'Unknown');
  await eventually(async () => (await Promise.all(['short', 'default-tol'].map((n) => pods().get('default', n))))
    .every((p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False'), T, 'pods not ready');
  // The 2 s toleration runs out; the 300 s one does not.
  const evicted = await eventually(async () => {
    const p = await exists('default', 'short');
    return p?.metadata.deletionTimestamp ? p : undefined;
  }, T, 'short-toleration pod evicted');
  // Server timestamps: the delete (deletionTimestamp minus its grace) came ≥ 2 s after the taint.
  const taintAdded = Date.parse(tainted.spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!);
  const deletedAt = Date.parse(evicted.metadata.deletionTimestamp!) - (evicted.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  assert.ok(deletedAt >= taintAdded + 2000, `evicted ${deletedAt - taintAdded} ms after the taint`);
  assert.equal((await pods().get('default', 'default-tol')).metadata.deletionTimestamp, undefined);
  const events = (await cs.resource<Event>(R.events).list('default')).items;
  assert.ok(events.some((e) => e.reason === 'NodeNotReady' && e.involvedObject?.name === 'n1'), 'NodeNotReady event');
  assert.ok(events.some((e) => e.reason === 'TaintManagerEviction' && e.involvedObject?.name === 'short'), 'TaintManagerEviction event');
  // The kubelet is back.
  await heartbeat('n1');
  await postReady('n1');
  await eventually(async () => (await nodes().get(undefined, 'n1')).spec?.taints?.length === 0, T, 'taints removed');
  // A live kubelet reporting Ready=False gets the not-ready taints instead.
  await postReady('n1', 'False');
  await eventually(async () => (await nodes().get(undefined, 'n1')).spec?.taints?.map((t) => `${t.key}:${t.effect}`).sort().join(',') === 'node.kubernetes.io/not-ready:NoExecute,node.kubernetes.io/not-ready:NoSchedule', T, 'not-ready taints');
  await postReady('n1');
  await eventually(async () => (await nodes().get(undefined, 'n1')).spec?.taints?.length === 0, T, 'not-ready taints removed');
  await pods().delete('default', 'short', { gracePeriodSeconds: 0 }).catch(() => undefined);
  await pods().delete('default', 'default-tol', { gracePeriodSeconds: 0 });
});

test('pod GC: pods of a node that no longer exists are force-deleted; terminated pods beyond the threshold go oldest first', async () => {
  await makeNode('gc-live');
  await nodes().create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gc-doomed' } });
  await pods().create('default', boundPod('on-doomed', 'gc-doomed'));
  await pods().create('default', boundPod('on-ghost', 'gc-never-existed'));
  await pods().create('default', boundPod('on-live', 'gc-live'));
  await nodes().delete(undefined, 'gc-doomed');
  await eventually(async () => !(await exists('default', 'on-doomed')) && !(await exists('default', 'on-ghost')), T, 'orphaned pods gone');
  assert.ok(await exists('default', 'on-live'));
  await pods().delete('default', 'on-live', { gracePeriodSeconds: 0 });
  // Four finished pods, a second apart (creationTimestamp has second precision); threshold 2.
  for (const name of ['done-1', 'done-2', 'done-3', 'done-4']) {
    const p = await pods().create('default', boundPod(name, 'gc-live'));
    await pods().updateStatus('default', { ...p, status: { phase: 'Succeeded' } });
    await new Promise((r) => setTimeout(r, 1100));
  }
  await eventually(async () => (await pods().list('default')).items.filter((p) => p.metadata.name!.startsWith('done-')).length === 2, T, 'two finished pods left');
  assert.deepEqual((await pods().list('default')).items.map((p) => p.metadata.name).filter((n) => n!.startsWith('done-')).sort(), ['done-3', 'done-4']);
  for (const n of ['done-3', 'done-4']) await pods().delete('default', n);
});

test('ResourceQuota status.hard and status.used follow the namespace content', async () => {
  await cs.resource(R.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota' } });
  const quotas = cs.resource<ResourceQuota>(R.resourcequotas);
  const hard = { pods: '10', 'requests.cpu': '4', 'limits.memory': '4Gi', configmaps: '5', services: '3', 'services.nodeports': '4', 'count/replicasets.apps': '2' };
  await quotas.create('quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard } });
  const pod = (name: string, cpu: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu }, limits: { cpu, memory: '1Gi' } } }] } });
  await pods().create('quota', pod('a', '500m'));
  await pods().create('quota', pod('b', '1'));
  await cs.resource(R.configmaps).create('quota', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
  await cs.resource<Service>(R.services).create('quota', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80, name: 'a' }, { port: 81, name: 'b' }] } } as Service);
  const want = { pods: '2', 'requests.cpu': '1500m', 'limits.memory': '2Gi', configmaps: 'see below', services: '1', 'services.nodeports': '2', 'count/replicasets.apps': '0' };
  const q = await eventually(async () => {
    const cur = await quotas.get('quota', 'q');
    const used = cur.status?.used ?? {};
    return used.pods === want.pods && used['requests.cpu'] === want['requests.cpu'] && used['services.nodeports'] === '2' && cur;
  }, T, 'quota used');
  assert.deepEqual(q.status!.hard, hard);
  // Every ConfigMap of the namespace counts (ours, and any the apiserver publishes there).
  const cmCount = (await cs.resource(R.configmaps).list('quota')).items.length;
  assert.ok(cmCount >= 1);
  assert.deepEqual(q.status!.used, { ...want, configmaps: String(cmCount) });
  await pods().delete('quota', 'b');
  await eventually(async () => (await quotas.get('quota', 'q')).status?.used?.['requests.cpu'] === '500m', T, 'used after a delete');
});

test('a restarted controller-manager creates no extra pods', async () => {
  const rss = cs.resource<ReplicaSet>(R.replicasets);
  const runOnce = () => {
    const ctl = new AbortController();
    const mgr = new ControllerManager({ ...baseOptions(), controllers: 'replicaset' });
    return { ctl, done: mgr.start(ctl.signal) };
  };
  const first = runOnce();
  await rss.create('default', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'restart' }, spec: { replicas: 20, selector: { matchLabels: { app: 'restart' } }, template: { metadata: { labels: { app: 'restart' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
  const names = async () => (await pods().list('default', { labelSelector: 'app=restart' })).items.map((p) => p.metadata.name!).sort();
  await eventually(async () => (await names()).length === 20, T, '20 pods');
  const before = await names();
  first.ctl.abort();
  await first.done.catch(() => undefined);
  const second = runOnce();
  try {
    await eventually(async () => (await rss.get('default', 'restart')).status?.replicas === 20, T, 'status after restart');
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(await names(), before, 'same 20 pods, none created or deleted');
  } finally {
    second.ctl.abort();
    await second.done.catch(() => undefined);
  }
  await rss.delete('default', 'restart', { propagationPolicy: 'Orphan' }).catch(() => undefined);
});
