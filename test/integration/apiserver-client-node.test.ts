// Wire compatibility with @kubernetes/client-node 1.x: list, watch, informer, create/patch/delete
// against the real apiserver over real etcd.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';

let etcd: EtcdFixture;
let api: ApiServerFixture;
let kc: k8s.KubeConfig;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: api.url, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
});
after(async () => {
  await api?.stop();
  await etcd?.stop();
});

test('CoreV1Api create, read, list, patch (json, merge), delete', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'cn' } } });
  const created = await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'one', labels: { a: 'b' } }, data: { k: 'v' } } });
  assert.equal(created.metadata?.name, 'one');
  assert.ok(created.metadata?.creationTimestamp instanceof Date);
  const read = await core.readNamespacedConfigMap({ name: 'one', namespace: 'cn' });
  assert.equal(read.data?.k, 'v');
  const list = await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'a=b' });
  assert.deepEqual(list.items.map((c) => c.metadata?.name), ['one']);
  // The default patch content type is json-patch.
  const jp = await core.patchNamespacedConfigMap({ name: 'one', namespace: 'cn', body: [{ op: 'replace', path: '/data/k', value: 'w' }] });
  assert.equal(jp.data?.k, 'w');
  const mp = await core.patchNamespacedConfigMap({ name: 'one', namespace: 'cn', body: { data: { k2: 'x' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.deepEqual(mp.data, { k: 'w', k2: 'x' });
  await assert.rejects(core.patchNamespacedConfigMap({ name: 'one', namespace: 'cn', body: { data: { k: 'y' } } }), (e: unknown) => (e as { code?: number }).code === 400);
  await core.deleteNamespacedConfigMap({ name: 'one', namespace: 'cn' });
  await assert.rejects(core.readNamespacedConfigMap({ name: 'one', namespace: 'cn' }), (e: unknown) => (e as { code?: number }).code === 404);
});

test('makeInformer lists, then follows adds, updates and deletes', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'inf' } } });
  await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'pre' } } });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () => core.listNamespacedConfigMap({ namespace: 'inf' }));
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  await informer.start();
  try {
    await eventually(() => seen.includes('add pre'), 10_000, 'initial add');
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'live' } } });
    await core.patchNamespacedConfigMap({ name: 'live', namespace: 'inf', body: { data: { a: '1' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'live', namespace: 'inf' });
    await eventually(() => seen.includes('delete live'), 10_000, 'delete event');
    assert.deepEqual(seen.filter((s) => s.endsWith('live')), ['add live', 'update live', 'delete live']);
    assert.deepEqual(informer.list('inf').map((o) => o.metadata?.name), ['pre']);
  } finally {
    await informer.stop();
  }
});

test('Watch delivers typed events', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'wt' } } });
  const watch = new k8s.Watch(kc);
  const events: string[] = [];
  const req = await watch.watch('/api/v1/namespaces/wt/configmaps', {}, (type, obj) => events.push(`${type} ${obj.metadata?.name}`), () => {});
  try {
    await new Promise((r) => setTimeout(r, 200));
    await core.createNamespacedConfigMap({ namespace: 'wt', body: { metadata: { name: 'x' } } });
    await eventually(() => events.includes('ADDED x'), 10_000, 'ADDED x');
  } finally {
    req.abort();
  }
});
