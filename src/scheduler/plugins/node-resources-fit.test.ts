import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameworkFor, filterAll, scoreAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';

test('NodeResourcesFit filter: cpu, memory, pods, extended resources, init containers, overhead', () => {
  const snap = snapshot([
    [makeNode('small', { cpu: '1', memory: '1Gi', pods: '2' }), [makePod('x', { cpu: '500m', memory: '512Mi' })]],
    [makeNode('big', { cpu: '8', memory: '16Gi', extra: { 'example.com/gpu': '2' } }), []],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'NodeResourcesFit' }] });
  const cases: [string, ReturnType<typeof makePod>, Record<string, string>][] = [
    ['fits both', makePod('p', { cpu: '500m', memory: '512Mi' }), { small: 'ok', big: 'ok' }],
    ['cpu', makePod('p', { cpu: '600m' }), { small: 'Insufficient cpu', big: 'ok' }],
    ['cpu and memory', makePod('p', { cpu: '2', memory: '1Gi' }), { small: 'Insufficient cpu; Insufficient memory', big: 'ok' }],
    ['gpu', makePod('p', { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '1' } } }] }), { small: 'Insufficient example.com/gpu', big: 'ok' }],
    ['init container max', makePod('p', { spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '700m' } } }] }, cpu: '100m' }), { small: 'Insufficient cpu', big: 'ok' }],
    ['sidecar adds', makePod('p', { spec: { initContainers: [{ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } }] }, cpu: '300m' }), { small: 'Insufficient cpu', big: 'ok' }],
    ['overhead', makePod('p', { cpu: '400m', spec: { overhead: { cpu: '200m' } } }), { small: 'Insufficient cpu', big: 'ok' }],
  ];
  for (const [name, pod, want] of cases) assert.deepEqual(filterAll(fw, pod, snap), want, name);
  const full = snapshot([[makeNode('n', { pods: '1' }), [makePod('x')]]]);
  assert.deepEqual(filterAll(frameworkFor(full, { plugins: [{ name: 'NodeResourcesFit' }] }), makePod('p'), full), { n: 'Too many pods' });
});

test('NodeResourcesFit score: LeastAllocated by default, MostAllocated when configured', () => {
  const snap = snapshot([
    [makeNode('empty', { cpu: '4', memory: '4Gi' }), []],
    [makeNode('half', { cpu: '4', memory: '4Gi' }), [makePod('x', { cpu: '2', memory: '2Gi' })]],
  ]);
  const pod = makePod('p', { cpu: '1', memory: '1Gi' });
  assert.deepEqual(scoreAll(frameworkFor(snap, { plugins: [{ name: 'NodeResourcesFit' }] }), pod, snap), { empty: 75, half: 25 });
  const most = frameworkFor(snap, { plugins: [{ name: 'NodeResourcesFit' }], pluginConfig: { NodeResourcesFit: { scoringStrategy: { type: 'MostAllocated' } } } });
  assert.deepEqual(scoreAll(most, pod, snap), { empty: 25, half: 75 });
});

test('NodeResourcesBalancedAllocation: prefers balanced cpu/memory use', () => {
  const snap = snapshot([
    [makeNode('cpuheavy', { cpu: '4', memory: '4Gi' }), [makePod('x', { cpu: '3', memory: '0' })]],
    [makeNode('balanced', { cpu: '4', memory: '4Gi' }), [makePod('y', { cpu: '1', memory: '1Gi' })]],
  ]);
  const got = scoreAll(frameworkFor(snap, { plugins: [{ name: 'NodeResourcesBalancedAllocation' }] }), makePod('p', { cpu: '1', memory: '1Gi' }), snap);
  assert.equal(got.balanced, 100);
  assert.ok(got.cpuheavy! < 80, JSON.stringify(got));
});
