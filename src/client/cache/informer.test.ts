import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClientset } from '../fake.js';
import { R } from '../resources.js';
import { newSharedInformerFactory } from './informer.js';

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
