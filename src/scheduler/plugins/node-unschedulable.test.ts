import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameworkFor, filterAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { ERR_REASON_UNSCHEDULABLE } from './node-unschedulable.js';

test('NodeUnschedulable: cordoned nodes only take pods tolerating the unschedulable taint', () => {
  const snap = snapshot([[makeNode('a'), []], [makeNode('cordoned', { unschedulable: true }), []]]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'NodeUnschedulable' }] });
  const cases: [string, ReturnType<typeof makePod>, Record<string, string>][] = [
    ['plain pod', makePod('p'), { a: 'ok', cordoned: ERR_REASON_UNSCHEDULABLE }],
    ['tolerates by key', makePod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } }), { a: 'ok', cordoned: 'ok' }],
    ['tolerates everything', makePod('p', { spec: { tolerations: [{ operator: 'Exists' }] } }), { a: 'ok', cordoned: 'ok' }],
    ['wrong effect', makePod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] } }), { a: 'ok', cordoned: ERR_REASON_UNSCHEDULABLE }],
  ];
  for (const [name, pod, want] of cases) assert.deepEqual(filterAll(fw, pod, snap), want, name);
});
