import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { frameworkFor } from '../testing/harness.js';
import { fitErrorMessage } from './fit-error.js';
import { CycleState, Status } from './interface.js';
import { newPodInfo } from './pod-info.js';
import { podRequests } from './resources.js';
import { numFeasibleNodesToFind } from './runtime.js';

test('numFeasibleNodesToFind is adaptive as upstream', () => {
  const table: [number, number | undefined, number][] = [
    [50, undefined, 50], [100, undefined, 100], [1000, undefined, 420], [5000, undefined, 500], [6000, undefined, 300], [10_000, undefined, 500], [200, undefined, 100], [1000, 10, 100], [1000, 100, 1000],
  ];
  for (const [n, pct, want] of table) assert.equal(numFeasibleNodesToFind(n, pct), want, `${n} nodes pct=${pct}`);
});

test('filtering samples nodes round-robin across cycles', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => [makeNode(`n${String(i).padStart(3, '0')}`), []] as [ReturnType<typeof makeNode>, never[]]);
  const snap = snapshot(nodes);
  const fw = frameworkFor(snap, { plugins: [{ name: 'NodeResourcesFit' }] });
  const pod = makePod('p');
  const first = fw.findNodesThatFit(new CycleState(), pod, newPodInfo(pod), snap);
  const second = fw.findNodesThatFit(new CycleState(), pod, newPodInfo(pod), snap);
  assert.equal(first.feasible.length, 144); // 300 nodes → 48%
  assert.equal(first.feasible[0]!.name, 'n000');
  assert.equal(second.feasible[0]!.name, 'n144');
});

test('fit error message: sorted histogram, prefilter message, postfilter message', () => {
  const st = (r: string) => Status.unschedulable(r);
  const m = new Map([['a', st('Insufficient cpu')], ['b', st('node(s) had untolerated taint {k: v}')], ['c', st('node(s) had untolerated taint {k: v}')]]);
  assert.equal(fitErrorMessage(3, { nodeToStatus: m, unschedulablePlugins: new Set() }), '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}.');
  assert.equal(
    fitErrorMessage(3, { nodeToStatus: m, unschedulablePlugins: new Set(), postFilterMsg: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.' }),
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  );
  assert.equal(fitErrorMessage(2, { nodeToStatus: m, unschedulablePlugins: new Set(), preFilterMsg: 'boom' }), '0/2 nodes are available: boom.');
});

test('podRequests: max(init, sum of containers) plus sidecars and overhead; non-zero defaults', () => {
  const table: [string, ReturnType<typeof makePod>, number, number][] = [
    ['plain', makePod('p', { cpu: '250m' }), 250, 250],
    ['no requests', makePod('p'), 0, 100],
    ['init bigger', makePod('p', { cpu: '100m', spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }] } }), 1000, 1000],
    ['sidecar then init', makePod('p', { cpu: '100m', spec: { initContainers: [{ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } }, { name: 'i', resources: { requests: { cpu: '500m' } } }] } }), 700, 700],
    ['overhead', makePod('p', { cpu: '100m', spec: { overhead: { cpu: '50m' } } }), 150, 150],
  ];
  for (const [name, pod, want, wantNonZero] of table) {
    assert.equal(podRequests(pod).milliCPU, want, name);
    assert.equal(podRequests(pod, true).milliCPU, wantNonZero, name + ' (non-zero)');
  }
});
