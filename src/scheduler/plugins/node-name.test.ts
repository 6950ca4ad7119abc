import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameworkFor, filterAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { ERR_REASON_NODE_NAME } from './node-name.js';

test('NodeName: a pod naming a node fits only that node', () => {
  const snap = snapshot([[makeNode('a'), []], [makeNode('b'), []]]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'NodeName' }] });
  const cases: { name: string; pod: ReturnType<typeof makePod>; want: Record<string, string> }[] = [
    { name: 'no nodeName', pod: makePod('p'), want: { a: 'ok', b: 'ok' } },
    { name: 'nodeName a', pod: makePod('p', { spec: { nodeName: 'a' } }), want: { a: 'ok', b: ERR_REASON_NODE_NAME } },
    { name: 'nodeName unknown', pod: makePod('p', { spec: { nodeName: 'zz' } }), want: { a: ERR_REASON_NODE_NAME, b: ERR_REASON_NODE_NAME } },
  ];
  for (const c of cases) assert.deepEqual(filterAll(fw, c.pod, snap), c.want, c.name);
});
