import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from './memory.js';
import { WatchCache, type CachedEvent } from './watch-cache.js';
import { silentLogger } from '../../util/logger.js';
import { FakeClock } from '../../util/clock.js';

const P = '/registry/configmaps/';
const cm = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: { v } });

async function setup(capacity: number) {
  const st = new MemoryStorage();
  const cache = new WatchCache({ storage: st, prefix: P, capacity, logger: silentLogger(), clock: new FakeClock() });
  await cache.start();
  return { st, cache };
}

function collect() {
  const got: { type: string; name: string; rev: number }[] = [];
  return { got, w: { onEvent: (type: string, ev: CachedEvent) => got.push({ type, name: ev.obj.metadata.name!, rev: ev.rev }), onClose: () => {} } };
}

test('lists current objects and follows changes', async () => {
  const { st, cache } = await setup(100);
  await st.create(P + 'ns/a', cm('a', '1'));
  const r = await st.create(P + 'ns/b', cm('b', '1'));
  assert.equal(cache.revision(), r);
  assert.deepEqual(cache.list().items.map((v) => v.obj.metadata.name), ['a', 'b']);
  await st.delete(P + 'ns/a', 2);
  assert.deepEqual(cache.list().items.map((v) => v.obj.metadata.name), ['b']);
  cache.stop();
});

test('subscribe from a revision replays the window, then live events, in order', async () => {
  const { st, cache } = await setup(100);
  const r1 = await st.create(P + 'ns/a', cm('a', '1'));
  const r2 = await st.update(P + 'ns/a', cm('a', '2'), r1);
  const { got, w } = collect();
  const sub = cache.subscribe(r1, (ev) => ev.type, w);
  assert.notEqual(sub, 'expired');
  await st.create(P + 'ns/b', cm('b', '1'));
  assert.deepEqual(got.map((g) => [g.type, g.name]), [['MODIFIED', 'a'], ['ADDED', 'b']]);
  assert.equal(got[0]!.rev, r2);
  cache.stop();
});

test('subscribe from 0 gives ADDED for current objects first', async () => {
  const { st, cache } = await setup(100);
  await st.create(P + 'ns/a', cm('a', '1'));
  await st.create(P + 'ns/b', cm('b', '1'));
  const { got, w } = collect();
  cache.subscribe(0, (ev) => ev.type, w);
  assert.deepEqual(got.map((g) => `${g.type} ${g.name}`), ['ADDED a', 'ADDED b']);
  cache.stop();
});

test('a revision older than the window is expired', async () => {
  const { st, cache } = await setup(3);
  const first = await st.create(P + 'ns/a', cm('a', '0'));
  let rev = first;
  for (let i = 1; i <= 5; i++) rev = await st.update(P + 'ns/a', cm('a', String(i)), rev);
  assert.equal(cache.subscribe(first, (ev) => ev.type, collect().w), 'expired');
  const { got, w } = collect();
  const ok = cache.subscribe(rev - 2, (ev) => ev.type, w);
  assert.notEqual(ok, 'expired');
  assert.equal(got.length, 2);
  cache.stop();
});

test('filters see transitions (the caller maps them) and key prefixes scope the initial list', async () => {
  const { st, cache } = await setup(100);
  await st.create(P + 'ns/a', cm('a', '1'));
  await st.create(P + 'other/z', { ...cm('z', '1'), metadata: { name: 'z', namespace: 'other' } });
  const { got, w } = collect();
  cache.subscribe(0, (ev) => (ev.key.startsWith(P + 'ns/') ? ev.type : null), w, P + 'ns/');
  assert.deepEqual(got.map((g) => g.name), ['a']);
  cache.stop();
});
