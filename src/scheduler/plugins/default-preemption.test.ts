import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodDisruptionBudget } from '../../api/types/apps.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import { CycleState } from '../framework/interface.js';
import { newPodInfo } from '../framework/pod-info.js';
import { filterPodsWithPDBViolation } from './default-preemption.js';
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

const pdb = (name: string, app: string, disruptionsAllowed: number, disruptedPods?: Record<string, string>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' },
  spec: { minAvailable: 1, selector: { matchLabels: { app } } }, status: { disruptionsAllowed, ...(disruptedPods ? { disruptedPods } : {}) },
});

test('filterPodsWithPDBViolation: spends each PDB budget in order; other namespaces, empty selectors and disruptedPods do not count', () => {
  const pods = ['a', 'b', 'c'].map((n) => newPodInfo(makePod(n, { labels: { app: 'web' } })));
  const other = newPodInfo(makePod('o', { ns: 'other', labels: { app: 'web' } }));
  const bare = newPodInfo(makePod('bare', { labels: {} }));
  const names = (r: { violating: { pod: { metadata: { name?: string } } }[]; nonViolating: { pod: { metadata: { name?: string } } }[] }) =>
    [r.violating.map((p) => p.pod.metadata.name).join(','), r.nonViolating.map((p) => p.pod.metadata.name).join(',')];
  const cases: [string, PodDisruptionBudget[], string[]][] = [
    ['no PDBs', [], ['', 'a,b,c']],
    ['budget 1: first spends it', [pdb('x', 'web', 1)], ['b,c', 'a']],
    ['budget 0', [pdb('x', 'web', 0)], ['a,b,c', '']],
    ['already disrupted pod is free', [pdb('x', 'web', 0, { a: '2026-01-01T00:00:00Z' })], ['b,c', 'a']],
    ['selector for another app', [pdb('x', 'db', 0)], ['', 'a,b,c']],
    ['empty selector selects nothing', [{ ...pdb('x', 'web', 0), spec: { selector: {} } }], ['', 'a,b,c']],
  ];
  for (const [name, pdbs, want] of cases) assert.deepEqual(names(filterPodsWithPDBViolation(pods, pdbs)), want, name);
  assert.deepEqual(names(filterPodsWithPDBViolation([other, bare], [pdb('x', 'web', 0)])), ['', 'o,bare']);
});

test('DefaultPreemption prefers the node whose victims do not violate a PodDisruptionBudget', async () => {
  const snap = snapshot([
    // n1: the cheapest victim by priority, but protected by a PDB with no disruptions allowed
    [makeNode('n1', { cpu: '1' }), [makePod('guarded', { cpu: '1', priority: 1, labels: { app: 'db' } })]],
    [makeNode('n2', { cpu: '1' }), [makePod('free', { cpu: '1', priority: 50, labels: { app: 'web' } })]],
  ]);
  const pod = makePod('p', { cpu: '1', priority: 100 });
  const run = async (pdbs: PodDisruptionBudget[]) => {
    const cs = new RecordingClientset();
    const fw = frameworkFor(snap, { plugins, clientset: cs, pdbs });
    const state = new CycleState();
    const res = fw.findNodesThatFit(state, pod, newPodInfo(pod), snap);
    const out = await fw.runPostFilterPlugins(state, pod, res.diagnosis.nodeToStatus);
    return [out.result?.nominatedNodeName, cs.calls.filter((c) => c.verb === 'delete').map((c) => c.name).join(',')];
  };
  assert.deepEqual(await run([]), ['n1', 'guarded']);
  assert.deepEqual(await run([pdb('db', 'db', 0)]), ['n2', 'free']);
  assert.deepEqual(await run([pdb('db', 'db', 1)]), ['n1', 'guarded']);
  // both violate: fewest violations still wins, then priority
  assert.deepEqual(await run([pdb('db', 'db', 0), pdb('web', 'web', 0)]), ['n1', 'guarded']);
});
