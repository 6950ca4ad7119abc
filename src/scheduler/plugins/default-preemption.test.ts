import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage } from '../framework/fit-error.js';
import { CycleState } from '../framework/interface.js';
import { newPodInfo } from '../framework/pod-info.js';
import { RecordingClientset } from '../testing/fake-clientset.js';
import { frameworkFor } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';

const plugins = [{ name: 'NodeResourcesFit' }, { name: 'TaintToleration' }, { name: 'DefaultPreemption' }];

async function preempt(snap: ReturnType<typeof snapshot>, pod: ReturnType<typeof makePod>) {
  const cs = new RecordingClientset();
  const fw = frameworkFor(snap, { plugins, clientset: cs });
  const state = new CycleState();
  const res = fw.findNodesThatFit(state, pod, newPodInfo(pod), snap);
  assert.equal(res.feasible.length, 0);
  const out = await fw.runPostFilterPlugins(state, pod, res.diagnosis.nodeToStatus);
  const deleted = cs.calls.filter((c) => c.verb === 'delete').map((c) => c.name).sort();
  return { out, deleted, diagnosis: res.diagnosis, numNodes: snap.numNodes() };
}

test('DefaultPreemption picks the node with the least important minimal victim set', async () => {
  const snap = snapshot([
    // n1: evicting prio-10 pod suffices
    [makeNode('n1', { cpu: '2' }), [makePod('low10', { cpu: '1', priority: 10 }), makePod('high', { cpu: '1', priority: 1000 })]],
    // n2: would need prio-50 victim
    [makeNode('n2', { cpu: '2' }), [makePod('low50', { cpu: '1', priority: 50 }), makePod('high2', { cpu: '1', priority: 1000 })]],
    // n3: tainted: not helpful
    [makeNode('n3', { cpu: '8', taints: [{ key: 'x', effect: 'NoSchedule' }] }), [makePod('t', { cpu: '8', priority: 0 })]],
  ]);
  const r = await preempt(snap, makePod('p', { cpu: '1', priority: 100 }));
  assert.equal(r.out.status.isSuccess(), true);
  assert.equal(r.out.result?.nominatedNodeName, 'n1');
  assert.deepEqual(r.deleted, ['low10']);
});

test('DefaultPreemption keeps victims that need not go (reprieve)', async () => {
  const snap = snapshot([[makeNode('n1', { cpu: '3' }), [makePod('a', { cpu: '1', priority: 1 }), makePod('b', { cpu: '1', priority: 5 }), makePod('c', { cpu: '1', priority: 2 })]]]);
  const r = await preempt(snap, makePod('p', { cpu: '1', priority: 100 }));
  assert.deepEqual(r.deleted, ['a']);
});

test('DefaultPreemption: no candidates → upstream "preemption: 0/N nodes are available" message', async () => {
  const snap = snapshot([
    [makeNode('n1', { cpu: '1' }), [makePod('same', { cpu: '1', priority: 100 })]],
    [makeNode('n2', { cpu: '8', taints: [{ key: 'x', value: 'y', effect: 'NoSchedule' }] }), []],
  ]);
  const r = await preempt(snap, makePod('p', { cpu: '1', priority: 100 }));
  assert.equal(r.out.status.isSuccess(), false);
  assert.deepEqual(r.deleted, []);
  r.diagnosis.postFilterMsg = r.out.status.message();
  assert.equal(
    fitErrorMessage(r.numNodes, r.diagnosis),
    '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {x: y}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
  );
});

test('DefaultPreemption: preemptionPolicy Never is not eligible', async () => {
  const snap = snapshot([[makeNode('n1', { cpu: '1' }), [makePod('low', { cpu: '1', priority: 0 })]]]);
  const r = await preempt(snap, makePod('p', { cpu: '1', priority: 100, spec: { preemptionPolicy: 'Never' } }));
  assert.equal(r.out.status.isSuccess(), false);
  assert.deepEqual(r.deleted, []);
});
