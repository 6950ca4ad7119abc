// The garbage collector against a real etcd + apiserver (no kubelet): cascading deletion in the
// three propagation modes (through the client and through the real kubectl), dangling owners, cycles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigMap, Deployment, KubeObject, Pod, ReplicaSet } from '../../src/api/types/index.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { isNotFound } from '../../src/client/interfaces.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';

let etcd: EtcdFixture | undefined;
let api: ApiServerFixture | undefined;
let cs: RestClientset;
let k: Kubectl | undefined;
let dir: string | undefined;
const stop = new AbortController();
let running: Promise<void> | undefined;
const ns = 'default';
const T = 60_000;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  cs = new RestClientset({ server: api.url });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-gc-'));
  fs.writeFileSync(path.join(dir, 'kubeconfig'), renderKubeconfig({ server: api.url }));
  k = new Kubectl(path.join(dir, 'kubeconfig'));
  const mgr = new ControllerManager({ clientset: cs, clock: realClock, logger: silentLogger(), controllers: 'replicaset,deployment,garbagecollector' });
  running = mgr.start(stop.signal);
});

after(async () => {
  stop.abort();
  await running?.catch(() => undefined);
  k?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await api?.stop();
  await etcd?.stop();
});

const pods = () => cs.resource<Pod>(R.pods);
const cms = () => cs.resource<ConfigMap>(R.configmaps);
const podsOf = async (app: string) => (await pods().list(ns, { labelSelector: `app=${app}` })).items;
const gone = async (c: { get(ns: string, n: string): Promise<KubeObject> }, name: string) => {
  try {
    await c.get(ns, name);
    return false;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
};
const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } });
const makeRs = (name: string, replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) },
});
const ownerRef = (o: KubeObject, block = false) => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, ...(block ? { blockOwnerDeletion: true } : {}) });

test('Background: deleting a Deployment removes its ReplicaSet and pods', async () => {
  await cs.resource<Deployment>(R.deployments).create(ns, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bg' }, spec: { replicas: 3, selector: { matchLabels: { app: 'bg' } }, template: template('bg') } });
  await eventually(async () => (await podsOf('bg')).length === 3, T, '3 pods');
  await cs.resource(R.deployments).delete(ns, 'bg', { propagationPolicy: 'Background' });
  await eventually(async () => (await cs.resource(R.replicasets).list(ns, { labelSelector: 'app=bg' })).items.length === 0, T, 'replicasets gone');
  await eventually(async () => (await podsOf('bg')).length === 0, T, 'pods gone');
});

test('Orphan: deleting a ReplicaSet with propagationPolicy=Orphan keeps its pods, without the ownerReference', async () => {
  const rss = cs.resource<ReplicaSet>(R.replicasets);
  const rs = await rss.create(ns, makeRs('orph', 2));
  await eventually(async () => (await podsOf('orph')).length === 2, T, '2 pods');
  const marked = await rss.delete(ns, 'orph', { propagationPolicy: 'Orphan' }) as ReplicaSet;
  assert.ok(marked.metadata.finalizers?.includes('orphan'), 'the apiserver records the orphan finalizer');
  await eventually(() => gone(rss, 'orph'), T, 'rs gone');
  const left = await podsOf('orph');
  assert.equal(left.length, 2);
  for (const p of left) assert.equal(p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid) ?? false, false);
  for (const p of left) await pods().delete(ns, p.metadata.name!);
});

test('Foreground: the owner waits for a blocking dependent, then goes', async () => {
  const owner = await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fg-owner' } });
  // A dependent held by a foreign finalizer keeps the owner until it is really gone.
  await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fg-dep', finalizers: ['test.kubets.io/hold'], ownerReferences: [ownerRef(owner, true)] } });
  await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fg-free', ownerReferences: [ownerRef(owner)] } });
  const marked = await cms().delete(ns, 'fg-owner', { propagationPolicy: 'Foreground' }) as ConfigMap;
  assert.ok(marked.metadata.finalizers?.includes('foregroundDeletion'));
  await eventually(async () => (await cms().get(ns, 'fg-dep')).metadata.deletionTimestamp, T, 'dependent marked for deletion');
  await eventually(() => gone(cms(), 'fg-free'), T, 'non-blocking dependent gone');
  await new Promise((r) => setTimeout(r, 1000));
  const waiting = await cms().get(ns, 'fg-owner');
  assert.ok(waiting.metadata.deletionTimestamp && waiting.metadata.finalizers?.includes('foregroundDeletion'), 'owner still waits');
  await cms().patch(ns, 'fg-dep', 'merge', { metadata: { finalizers: null } });
  await eventually(() => gone(cms(), 'fg-owner'), T, 'owner gone');
});

test('a dependent whose owner uid no longer exists is deleted; a live owner keeps it', async () => {
  const real = await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'live-owner' } });
  await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', ownerReferences: [ownerRef(real)] } });
  // Same name as a live object but another uid: still dangling.
  await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dangling', ownerReferences: [{ ...ownerRef(real), uid: '00000000-0000-0000-0000-000000000001' }] } });
  await eventually(() => gone(cms(), 'dangling'), T, 'dangling dependent gone');
  assert.equal((await cms().get(ns, 'kept')).metadata.name, 'kept');
  await cms().delete(ns, 'live-owner');
  await eventually(() => gone(cms(), 'kept'), T, 'dependent of a deleted owner gone');
});

test('an ownership cycle does not block foreground deletion', async () => {
  const a = await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cyc-a' } });
  const b = await cms().create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cyc-b', ownerReferences: [ownerRef(a, true)] } });
  await cms().patch(ns, 'cyc-a', 'merge', { metadata: { ownerReferences: [ownerRef(b, true)] } });
  await cms().delete(ns, 'cyc-a', { propagationPolicy: 'Foreground' });
  await eventually(async () => (await gone(cms(), 'cyc-a')) && (await gone(cms(), 'cyc-b')), T, 'both gone');
});

test('kubectl delete --cascade=orphan keeps pods; --cascade=foreground and the default remove them', async () => {
  const rss = cs.resource<ReplicaSet>(R.replicasets);
  await rss.create(ns, makeRs('k-orph', 2));
  await eventually(async () => (await podsOf('k-orph')).length === 2, T, '2 pods');
  await k!.ok(['delete', 'rs', 'k-orph', '--cascade=orphan']);
  await eventually(() => gone(rss, 'k-orph'), T, 'rs gone');
  assert.equal((await podsOf('k-orph')).length, 2);
  await rss.create(ns, makeRs('k-fg', 2));
  await eventually(async () => (await podsOf('k-fg')).length === 2, T, '2 pods');
  // kubectl waits for the object to disappear, which in foreground mode happens after its pods.
  await k!.ok(['delete', 'rs', 'k-fg', '--cascade=foreground']);
  assert.equal(await gone(rss, 'k-fg'), true);
  assert.equal((await podsOf('k-fg')).length, 0);
  await cs.resource<Deployment>(R.deployments).create(ns, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'k-bg' }, spec: { replicas: 2, selector: { matchLabels: { app: 'k-bg' } }, template: template('k-bg') } });
  await eventually(async () => (await podsOf('k-bg')).length === 2, T, '2 pods');
  await k!.ok(['delete', 'deployment', 'k-bg']);
  await eventually(async () => (await podsOf('k-bg')).length === 0 && (await rss.list(ns, { labelSelector: 'app=k-bg' })).items.length === 0, T, 'rs and pods gone');
  for (const p of await podsOf('k-orph')) await pods().delete(ns, p.metadata.name!);
});
