import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayeredCounts } from './layered-counts.js';

const zoneCounts = (o: Record<string, number>) => new Map(Object.entries(o));

test('LayeredCounts: shared layers and the private delta sum per domain', () => {
  type Step = ['shared', string, Record<string, number>] | ['add', string, string, number];
  const cases: { name: string; steps: Step[]; want: [string, string | undefined, number][]; empty: boolean; keys: string[] }[] = [
    { name: 'nothing', steps: [], want: [['zone', 'a', 0]], empty: true, keys: [] },
    { name: 'one layer', steps: [['shared', 'zone', { a: 2, b: 1 }]], want: [['zone', 'a', 2], ['zone', 'b', 1], ['zone', 'c', 0], ['host', 'a', 0], ['zone', undefined, 0]], empty: false, keys: ['zone'] },
    { name: 'same key twice adds twice', steps: [['shared', 'zone', { a: 2 }], ['shared', 'zone', { a: 2, b: 1 }]], want: [['zone', 'a', 4], ['zone', 'b', 1]], empty: false, keys: ['zone'] },
    { name: 'empty layer ignored', steps: [['shared', 'zone', {}]], want: [['zone', 'a', 0]], empty: true, keys: [] },
    { name: 'delta cancels a layer', steps: [['shared', 'zone', { a: 1 }], ['add', 'zone', 'a', -1]], want: [['zone', 'a', 0]], empty: true, keys: ['zone'] },
    { name: 'delta on a new key', steps: [['shared', 'zone', { a: 1 }], ['add', 'host', 'n1', 1]], want: [['zone', 'a', 1], ['host', 'n1', 1]], empty: false, keys: ['zone', 'host'] },
    { name: 'negative delta alone', steps: [['add', 'zone', 'a', -1]], want: [['zone', 'a', -1]], empty: false, keys: ['zone'] },
    { name: 'delta back to zero', steps: [['add', 'zone', 'a', 1], ['add', 'zone', 'a', -1]], want: [['zone', 'a', 0]], empty: true, keys: [] },
  ];
  for (const c of cases) {
    const lc = new LayeredCounts();
    for (const s of c.steps) {
      if (s[0] === 'shared') lc.addShared(s[1], zoneCounts(s[2]));
      else lc.add(s[1], s[2], s[3]);
    }
    for (const [k, v, n] of c.want) assert.equal(lc.get(k, v), n, `${c.name}: ${k}=${v}`);
    assert.equal(lc.isEmpty(), c.empty, `${c.name}: empty`);
    assert.deepEqual([...lc.keys()], c.keys, `${c.name}: keys`);
  }
});

test('LayeredCounts: clones share layers read-only and keep separate deltas; layers are never written', () => {
  const layer = zoneCounts({ a: 1, b: 2 });
  const lc = new LayeredCounts();
  lc.addShared('zone', layer);
  assert.equal(lc.isEmpty(), false);
  const c = lc.clone();
  c.add('zone', 'a', -1);
  c.add('zone', 'b', -2);
  assert.equal(c.isEmpty(), true);
  assert.equal(lc.isEmpty(), false, 'the original is unaffected');
  assert.equal(lc.get('zone', 'a'), 1);
  lc.add('zone', 'c', 5);
  assert.equal(c.get('zone', 'c'), 0, 'the clone is unaffected');
  assert.deepEqual([...layer], [['a', 1], ['b', 2]], 'the shared map is unchanged');
});
