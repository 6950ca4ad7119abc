import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node, Pod, PodSpec, Taint } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { CONTROLLER_REVISION_HASH } from '../common/history.js';
import { defaultDaemonTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeOf, withDaemonTolerations } from './eligibility.js';
import { computeDaemonSetStatus, planDaemonSet } from './plan.js';
import { newDaemonPod } from './controller.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node => ({ metadata: { name, labels }, spec: { taints } });
const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'c', image: 'i' }], ...extra });

test('DaemonSet eligibility: selectors, affinity, taints against tolerations and the daemon defaults', () => {
  const ns = (k: string, e: Taint['effect']): Taint => ({ key: k, effect: e });
  const cases: { name: string; node: Node; spec: PodSpec; want: [boolean, boolean] }[] = [
    { name: 'plain node', node: node('a'), spec: spec(), want: [true, true] },
    { name: 'nodeSelector matches', node: node('a', { disk: 'ssd' }), spec: spec({ nodeSelector: { disk: 'ssd' } }), want: [true, true] },
    { name: 'nodeSelector misses', node: node('a'), spec: spec({ nodeSelector: { disk: 'ssd' } }), want: [false, false] },
    { name: 'required affinity misses', node: node('a', { zone: 'x' }), spec: spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['y'] }] }] } } } }), want: [false, false] },
    { name: 'untolerated NoSchedule: no new pod, existing stays', node: node('a', {}, [ns('dedicated', 'NoSchedule')]), spec: spec(), want: [false, true] },
    { name: 'untolerated NoExecute: evicted', node: node('a', {}, [ns('dedicated', 'NoExecute')]), spec: spec(), want: [false, false] },
    { name: 'tolerated NoExecute', node: node('a', {}, [ns('dedicated', 'NoExecute')]), spec: spec({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }), want: [true, true] },
    { name: 'PreferNoSchedule ignored', node: node('a', {}, [ns('x', 'PreferNoSchedule')]), spec: spec(), want: [true, true] },
    { name: 'default: unschedulable tolerated', node: node('a', {}, [ns('node.kubernetes.io/unschedulable', 'NoSchedule')]), spec: spec(), want: [true, true] },
    { name: 'default: not-ready NoExecute tolerated', node: node('a', {}, [ns('node.kubernetes.io/not-ready', 'NoExecute')]), spec: spec(), want: [true, true] },
    { name: 'default: unreachable NoExecute tolerated', node: node('a', {}, [ns('node.kubernetes.io/unreachable', 'NoExecute')]), spec: spec(), want: [true, true] },
    { name: 'default: memory-pressure tolerated', node: node('a', {}, [ns('node.kubernetes.io/memory-pressure', 'NoSchedule')]), spec: spec(), want: [true, true] },
    { name: 'network-unavailable only with hostNetwork', node: node('a', {}, [ns('node.kubernetes.io/network-unavailable', 'NoSchedule')]), spec: spec(), want: [false, true] },
    { name: 'network-unavailable with hostNetwork', node: node('a', {}, [ns('node.kubernetes.io/network-unavailable', 'NoSchedule')]), spec: spec({ hostNetwork: true }), want: [true, true] },
  ];
  for (const c of cases) {
    const e = nodeShouldRunDaemonPod(c.node, c.spec);
    assert.deepEqual([e.shouldRun, e.shouldContinueRunning], c.want, c.name);
  }
  assert.equal(defaultDaemonTolerations(false).length, 6);
  assert.equal(defaultDaemonTolerations(true).length, 7);
  assert.equal(withDaemonTolerations(spec({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] })).length, 6);
});

test('DaemonSet pods are pinned to their node by matchFields affinity', () => {
  const a = pinToNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }] }] } } }, 'n1');
  assert.deepEqual(a.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] });
  const ds: DaemonSet = { metadata: { name: 'agent', namespace: 'default', uid: 'D', generation: 3 }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: spec() } } };
  const p = newDaemonPod(ds, 'n1', 'h1');
  assert.equal(targetNodeOf(p.spec), 'n1');
  assert.equal(p.metadata.generateName, 'agent-');
  assert.deepEqual(p.metadata.labels, { app: 'a', 'controller-revision-hash': 'h1', 'pod-template-generation': '3' });
  assert.equal(p.spec.tolerations?.length, 6);
  assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');
});

function ds(o: { maxUnavailable?: number; maxSurge?: number; onDelete?: boolean } = {}): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default', uid: 'D', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: spec() },
      updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: o.maxUnavailable ?? 1, maxSurge: o.maxSurge ?? 0 } },
    },
  };
}
let seq = 0;
/** A daemon pod on `n`: "r" ready, "n" not ready, "f" failed; hash "new" or "old". */
function dpod(n: string, state = 'r', hash = 'new', bound = true): Pod {
  const p = makePod({ name: `agent-${++seq}`, node: bound ? n : undefined, phase: state === 'f' ? 'Failed' : 'Running', readySince: state === 'r' ? 0 : undefined, created: seq * 1000, labels: { app: 'a', [CONTROLLER_REVISION_HASH]: hash } });
  p.spec.affinity = pinToNode(undefined, n);
  return p;
}
const names = (ps: Pod[]) => ps.map((p) => `${p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0]}:${p.metadata.labels![CONTROLLER_REVISION_HASH]}`);

test('DaemonSet plan: placement, eviction, rolling update bounds', () => {
  const nodes = [node('n1'), node('n2'), node('n3')];
  const run = (d: DaemonSet, ns: Node[], pods: Pod[]) => {
    const p = planDaemonSet({ ds: d, nodes: ns, pods, hash: 'new', now: 5_000_000 });
    return { createOn: p.createOn, delete: names(p.delete) };
  };
  assert.deepEqual(run(ds(), nodes, []), { createOn: ['n1', 'n2', 'n3'], delete: [] }, 'one per node');
  assert.deepEqual(run(ds(), nodes, [dpod('n1'), dpod('n2')]), { createOn: ['n3'], delete: [] }, 'new node gets a pod');
  assert.deepEqual(run(ds(), [node('n1', {}, [{ key: 'x', effect: 'NoExecute' }])], [dpod('n1')]), { createOn: [], delete: ['n1:new'] }, 'NoExecute taint evicts');
  assert.deepEqual(run(ds(), [node('n1')], [dpod('n1'), dpod('gone', 'n', 'new', false)]), { createOn: [], delete: ['gone:new'] }, 'unbound pod for a deleted node');
  assert.deepEqual(run(ds(), [node('n1')], [dpod('n1'), dpod('n1')]), { createOn: [], delete: ['n1:new'] }, 'duplicates: keep the oldest');
  assert.deepEqual(run(ds(), [node('n1')], [dpod('n1', 'f')]), { createOn: [], delete: ['n1:new'] }, 'failed pod removed first');
  const old = [dpod('n1', 'r', 'old'), dpod('n2', 'r', 'old'), dpod('n3', 'r', 'old')];
  assert.deepEqual(run(ds(), nodes, old), { createOn: [], delete: ['n1:old'] }, 'maxUnavailable 1');
  assert.deepEqual(run(ds({ maxUnavailable: 2 }), nodes, old), { createOn: [], delete: ['n1:old', 'n2:old'] }, 'maxUnavailable 2');
  assert.deepEqual(run(ds(), nodes, [dpod('n1', 'n', 'new'), ...old.slice(1)]), { createOn: [], delete: [] }, 'waits for the new pod to be available');
  assert.deepEqual(run(ds(), nodes, [dpod('n1', 'r', 'old'), dpod('n2', 'n', 'old'), dpod('n3', 'r', 'old')]), { createOn: [], delete: ['n2:old'] }, 'unavailable old pod replaced first');
  assert.deepEqual(run(ds({ onDelete: true }), nodes, old), { createOn: [], delete: [] }, 'OnDelete');
  assert.deepEqual(run(ds({ maxSurge: 1, maxUnavailable: 0 }), nodes, old), { createOn: ['n1'], delete: [] }, 'surge: new pod beside the old');
  const surging = [dpod('n1', 'r', 'old'), dpod('n1', 'r', 'new'), dpod('n2', 'r', 'old'), dpod('n3', 'r', 'old')];
  assert.deepEqual(run(ds({ maxSurge: 1, maxUnavailable: 0 }), nodes, surging), { createOn: ['n2'], delete: ['n1:old'] }, 'surge: old goes once the new is available');
});

test('DaemonSet status counts per node', () => {
  const nodes = [node('n1'), node('n2'), node('n3', { role: 'x' }, [{ key: 'x', effect: 'NoSchedule' }])];
  const st = computeDaemonSetStatus({ ds: ds(), nodes, pods: [dpod('n1', 'r', 'new'), dpod('n2', 'n', 'old'), dpod('n3')], hash: 'new', now: 5_000_000 });
  assert.deepEqual({ ...st }, {
    desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 1, numberReady: 1, numberAvailable: 1, numberUnavailable: 1,
    updatedNumberScheduled: 1, observedGeneration: 1,
  });
});
