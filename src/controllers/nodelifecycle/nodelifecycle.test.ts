import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Node, Pod, Taint, Toleration } from '../../api/types/index.js';
import { FakeClientset } from '../../client/fake.js';
import { newSharedInformerFactory } from '../../client/cache/informer.js';
import { newWorkQueue } from '../../client/workqueue/queue.js';
import { R } from '../../client/resources.js';
import { FakeClock, rfc3339 } from '../../util/clock.js';
import { silentLogger } from '../../util/logger.js';
import { FakeRecorder } from '../common/context.js';
import { makePod } from '../common/testing.js';
import { planEviction } from './eviction.js';
import { observe, staleConditions } from './health.js';
import { desiredTaints, TAINT_NOT_READY, TAINT_UNREACHABLE } from './taints.js';
import { NodeLifecycleController } from './controller.js';

const node = (ready: 'True' | 'False' | 'Unknown' | undefined, taints: Taint[] = [], heartbeat = 'hb1'): Node => ({
  metadata: { name: 'n1', uid: 'N1' },
  spec: { taints },
  status: { conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: heartbeat }, { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: heartbeat }] : [] },
});
const lease = (renew: string): Lease => ({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime: renew } });

test('observe moves the probe time only when the lease or the Ready heartbeat changes', () => {
  const p0 = observe(undefined, node('True'), lease('r1'), 1000);
  assert.equal(p0.at, 1000);
  assert.equal(observe(p0, node('True'), lease('r1'), 5000).at, 1000);
  assert.equal(observe(p0, node('True'), lease('r2'), 5000).at, 5000);
  assert.equal(observe(p0, node('True', [], 'hb2'), lease('r1'), 6000).at, 6000);
});

test('staleConditions turns kubelet conditions Unknown only after the grace period, once', () => {
  const cases: { name: string; n: Node; age: number; want: string[] | undefined }[] = [
    { name: 'fresh', n: node('True'), age: 40_000, want: undefined },
    { name: 'stale ready', n: node('True'), age: 40_001, want: ['Ready=Unknown', 'MemoryPressure=Unknown'] },
    { name: 'stale not ready', n: node('False'), age: 60_000, want: ['Ready=Unknown', 'MemoryPressure=Unknown'] },
    { name: 'never posted', n: node(undefined), age: 60_000, want: ['Ready=Unknown'] },
  ];
  for (const c of cases) {
    const got = staleConditions(c.n, { at: 0 }, c.age, 40_000);
    assert.deepEqual(got?.map((x) => `${x.type}=${x.status}`), c.want, c.name);
  }
  const once = staleConditions(node('True'), { at: 0 }, 50_000, 40_000)!;
  assert.equal(staleConditions({ ...node('True'), status: { conditions: once } }, { at: 0 }, 60_000, 40_000), undefined);
  assert.equal(once[0]!.reason, 'NodeStatusUnknown');
  assert.equal(once[0]!.lastHeartbeatTime, 'hb1', 'the heartbeat time stays the kubelet\'s');
});

test('desiredTaints follows Ready: False → not-ready, Unknown → unreachable, True → none; foreign taints stay', () => {
  const foreign: Taint = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
  const keys = (t: Taint[] | undefined) => t?.map((x) => `${x.key}:${x.effect}`).sort();
  assert.deepEqual(keys(desiredTaints(node('False', [foreign]), 0)), ['dedicated:NoSchedule', `${TAINT_NOT_READY}:NoExecute`, `${TAINT_NOT_READY}:NoSchedule`]);
  const unreachable = desiredTaints(node('Unknown', [{ key: TAINT_NOT_READY, effect: 'NoExecute' }]), 5000)!;
  assert.deepEqual(keys(unreachable), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
  assert.equal(unreachable.find((t) => t.effect === 'NoExecute')!.timeAdded, rfc3339(5000));
  assert.equal(desiredTaints(node('Unknown', unreachable), 9000), undefined, 'stable once set');
  assert.deepEqual(desiredTaints(node('True', [...unreachable, foreign]), 0), [foreign]);
  assert.equal(desiredTaints(node('True', [foreign]), 0), undefined);
  // Taint nodes by condition: pressure and cordon give NoSchedule taints only, and go with them.
  const pressured: Node = { ...node('True'), spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] } };
  const t = desiredTaints(pressured, 0)!;
  assert.deepEqual(keys(t), ['node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
  assert.deepEqual(desiredTaints({ ...node('True'), spec: { taints: t } }, 0), []);
});

test('planEviction: untolerated → now; tolerationSeconds → taint time + seconds; forever → keep', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const taints: Taint[] = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: rfc3339(t0) }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }];
  const pod = (tolerations?: Toleration[]): Pod => ({ ...makePod({ name: 'p' }), spec: { containers: [], tolerations } });
  const cases: { name: string; tol?: Toleration[]; now: number; want: string }[] = [
    { name: 'no tolerations', now: t0, want: 'evictNow' },
    { name: 'other key', tol: [{ key: 'x', operator: 'Exists', effect: 'NoExecute' }], now: t0, want: 'evictNow' },
    { name: 'forever', tol: [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }], now: t0 + 1e9, want: 'keep' },
    { name: 'wildcard forever', tol: [{ operator: 'Exists' }], now: t0, want: 'keep' },
    { name: '300 s pending', tol: [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], now: t0 + 10_000, want: `evictAt:${t0 + 300_000}` },
    { name: '300 s passed', tol: [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], now: t0 + 300_000, want: 'evictNow' },
    { name: 'zero seconds', tol: [{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 0 }], now: t0, want: 'evictNow' },
  ];
  for (const c of cases) {
    const p = planEviction(pod(c.tol), taints, c.now);
    assert.equal(p.kind === 'evictAt' ? `evictAt:${p.at}` : p.kind, c.want, c.name);
  }
  assert.equal(planEviction(pod(), [{ key: 'k', effect: 'NoSchedule' }], t0).kind, 'keep');
});

test('controller: a silent node goes Unknown + tainted, its pods turn not ready and are evicted on time; back → untainted', async () => {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const cs = new FakeClientset();
  cs.seed(R.nodes, [node('True')]);
  cs.seed(R.leases, [lease('r1')]);
  const tol = (s?: number): Toleration[] => [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', ...(s !== undefined ? { tolerationSeconds: s } : {}) }];
  const withTol = (name: string, t: Toleration[]): Pod => { const p = makePod({ name, node: 'n1', readySince: 0 }); p.spec.tolerations = t; return p; };
  cs.seed(R.pods, [withTol('now', []), withTol('later', tol(30)), withTol('never', tol())]);
  const stop = new AbortController();
  const informers = newSharedInformerFactory(cs, { logger: silentLogger() });
  const recorder = new FakeRecorder();
  const c = new NodeLifecycleController({ clientset: cs, informers, clock, logger: silentLogger(), recorder, newQueue: () => newWorkQueue() }, { gracePeriodMs: 40_000 });
  informers.start(stop.signal);
  await informers.waitForSync(stop.signal);
  const settle = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), 'condition not reached');
  };
  const stored = () => cs.stored('nodes')[0] as Node;
  const podNames = () => (cs.stored('pods') as Pod[]).map((p) => p.metadata.name).sort();
  try {
    await c.reconcile('n1');
    assert.equal(stored().spec?.taints?.length ?? 0, 0);
    clock.advance(40_001);
    await c.reconcile('n1');
    assert.equal(stored().status!.conditions!.find((x) => x.type === 'Ready')!.status, 'Unknown');
    assert.deepEqual(stored().spec!.taints!.map((t) => `${t.key}:${t.effect}`).sort(), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
    assert.ok(recorder.events.some((e) => e.reason === 'NodeNotReady' && e.obj === '/n1'));
    await settle(() => c['nodes'].store.get('n1')?.spec?.taints?.length === 2);
    const r = await c.reconcile('n1');
    assert.deepEqual(podNames(), ['later', 'never'], 'the untolerating pod goes at once');
    assert.ok(r && r.requeueAfter! > 0 && r.requeueAfter! <= 30_000, 'requeued for the tolerationSeconds deadline');
    for (const p of cs.stored('pods') as Pod[]) assert.equal(p.status!.conditions!.find((x) => x.type === 'Ready')!.status, 'False');
    assert.ok(recorder.events.some((e) => e.reason === 'TaintManagerEviction' && e.obj === 'default/now'));
    clock.advance(31_000);
    await c.reconcile('n1');
    assert.deepEqual(podNames(), ['never']);
    // The kubelet is back: lease renewed and Ready posted.
    await cs.resource<Node>(R.nodes).updateStatus(undefined, { ...stored(), status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 'hb2' }] } });
    await settle(() => c['nodes'].store.get('n1')?.status?.conditions?.[0]?.lastHeartbeatTime === 'hb2');
    await c.reconcile('n1');
    assert.deepEqual(stored().spec!.taints, []);
  } finally {
    stop.abort();
  }
});
