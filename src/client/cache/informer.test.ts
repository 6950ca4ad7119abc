import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClientset } from '../fake.js';
import { R } from '../resources.js';
import { newSharedInformerFactory } from './informer.js';
import { IndexedStore } from './store.js';

test('informer syncs the list, then follows adds, updates and deletes in order; indexers work', async () => {
  const cs = new FakeClientset();
  cs.seed(R.pods, [{ metadata: { name: 'a', namespace: 'x', labels: { app: 'web' } }, spec: { containers: [] } }]);
  const f = newSharedInformerFactory(cs);
  const inf = f.informerFor(R.pods);
  assert.equal(f.informerFor(R.pods), inf, 'shared per resource');
  inf.addIndexer('app', (o) => [o.metadata.labels?.app ?? '']);
  const seen: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name}`),
    onUpdate: (_o, n) => seen.push(`update ${n.metadata.name}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  const ctl = new AbortController();
  f.start(ctl.signal);
  await f.waitForSync(ctl.signal);
  assert.deepEqual(seen, ['add a']);
  await new Promise((r) => setTimeout(r, 10));
  const pods = cs.resource(R.pods);
  await pods.create('x', { metadata: { name: 'b', labels: { app: 'web' } }, spec: { containers: [] } });
  await pods.patch('x', 'b', 'merge', { metadata: { labels: { app: 'db' } } });
  await pods.delete('x', 'a');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, ['add a', 'add b', 'update b', 'delete a']);
  assert.deepEqual(inf.store.byIndex('app', 'db').map((p) => p.metadata.name), ['b']);
  assert.deepEqual(inf.store.byIndex('namespace', 'x').map((p) => p.metadata.name), ['b']);
  assert.equal(inf.store.get('x/b')?.metadata.labels?.app, 'db');
  let late = 0;
  inf.addEventHandler({ onAdd: () => late++ });
  assert.equal(late, 1, 'late handlers get the cache replayed');
  ctl.abort();
});

test('IndexedStore: byIndex keeps list order when an update leaves the index values alone, and refiles when they change', () => {
  const pod = (name: string, ns: string, rv: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, resourceVersion: rv } });
  const store = new IndexedStore();
  for (const n of ['a', 'b', 'c']) store.upsert(pod(n, 'x', '1'));
  store.upsert(pod('a', 'x', '2'));
  assert.deepEqual(store.byIndex('namespace', 'x').map((o) => o.metadata.name), ['a', 'b', 'c']);
  assert.deepEqual(store.byIndex('namespace', 'x').map((o) => o.metadata.name), store.list().map((o) => o.metadata.name));
  assert.equal(store.byIndex('namespace', 'x')[0]!.metadata.resourceVersion, '2');
  store.addIndexer('rv', (o) => [o.metadata.resourceVersion ?? '']);
  store.upsert(pod('b', 'x', '2'));
  assert.deepEqual(store.byIndex('rv', '1').map((o) => o.metadata.name), ['c']);
  assert.deepEqual(store.byIndex('rv', '2').map((o) => o.metadata.name), ['a', 'b']);
  store.remove('x/a');
  assert.deepEqual(store.byIndex('rv', '2').map((o) => o.metadata.name), ['b']);
});
