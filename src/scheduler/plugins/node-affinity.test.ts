import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorRequirement } from '../../api/types/core.js';
import { frameworkFor, filterAll, scoreAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { ERR_REASON_POD_NODE_AFFINITY as NO } from './node-affinity.js';

const snap = snapshot([
  [makeNode('a', { labels: { zone: 'z1', gen: '3', disk: 'ssd' } }), []],
  [makeNode('b', { labels: { zone: 'z2', gen: '5' } }), []],
  [makeNode('c', { labels: {} }), []],
]);
const fw = frameworkFor(snap, { plugins: [{ name: 'NodeAffinity', weight: 1 }] });
const req = (...e: NodeSelectorRequirement[]) => makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: e }] } } } } });

test('NodeAffinity filter: nodeSelector and every operator', () => {
  const cases: [string, ReturnType<typeof makePod>, Record<string, string>][] = [
    ['nodeSelector', makePod('p', { spec: { nodeSelector: { zone: 'z1' } } }), { a: 'ok', b: NO, c: NO }],
    ['In', req({ key: 'zone', operator: 'In', values: ['z1', 'z2'] }), { a: 'ok', b: 'ok', c: NO }],
    ['NotIn', req({ key: 'zone', operator: 'NotIn', values: ['z1'] }), { a: NO, b: 'ok', c: 'ok' }],
    ['Exists', req({ key: 'disk', operator: 'Exists' }), { a: 'ok', b: NO, c: NO }],
    ['DoesNotExist', req({ key: 'disk', operator: 'DoesNotExist' }), { a: NO, b: 'ok', c: 'ok' }],
    ['Gt', req({ key: 'gen', operator: 'Gt', values: ['4'] }), { a: NO, b: 'ok', c: NO }],
    ['Lt', req({ key: 'gen', operator: 'Lt', values: ['4'] }), { a: 'ok', b: NO, c: NO }],
  ];
  for (const [name, pod, want] of cases) assert.deepEqual(filterAll(fw, pod, snap), want, name);
});

test('NodeAffinity: matchFields metadata.name narrows in PreFilter; terms are ORed', () => {
  const pod = makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } } } });
  const got = filterAll(fw, pod, snap);
  assert.equal(got.b, 'ok');
  assert.notEqual(got.a, 'ok');
  const or = makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }] } } } } });
  assert.deepEqual(filterAll(fw, or, snap), { a: 'ok', b: 'ok', c: NO });
});

test('NodeAffinity score: preferred weights, normalised to the best node', () => {
  const pod = makePod('p', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
    { weight: 60, preference: { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] } },
  ] } } } });
  assert.deepEqual(scoreAll(fw, pod, snap), { a: 33, b: 100, c: 0 });
});
