import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/core.js';
import type { KubeObject } from '../api/types/meta.js';
import { FakeClock } from '../util/clock.js';
import { Code, CycleState, Status } from './framework/interface.js';
import { defaultProfile } from './framework/profile.js';
import { inTreeRegistry } from './plugins/index.js';
import { Scheduler, type EventSink } from './scheduler.js';
import { RecordingClientset } from './testing/fake-clientset.js';
import { makeNode, makePod } from './testing/fixtures.js';

class Events implements EventSink {
  list: { name: string; type: string; reason: string; message: string }[] = [];
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.list.push({ name: obj.metadata.name!, type, reason, message });
  }
}

function setup() {
  const cs = new RecordingClientset();
  const events = new Events();
  const clock = new FakeClock(1_000_000);
  const s = new Scheduler({ clientset: cs, clock, events, random: () => 0.5 });
  return { cs, events, clock, s };
}

test('schedules pods onto fitting nodes, binds through pods/binding and records Scheduled', async () => {
  const { cs, events, s } = setup();
  s.handleNodeAdd(makeNode('small', { cpu: '1' }));
  s.handleNodeAdd(makeNode('big', { cpu: '4' }));
  s.handlePodAdd(makePod('p1', { cpu: '2' }));
  s.handlePodAdd(makePod('p2', { cpu: '2' }));
  await s.scheduleOne();
  await s.scheduleOne();
  await s.waitForBindings();
  assert.deepEqual(cs.bindings(), { p1: 'big', p2: 'big' });
  assert.deepEqual(events.list.map((e) => e.message), ['Successfully assigned default/p1 to big', 'Successfully assigned default/p2 to big']);
  const body = cs.calls.find((c) => c.verb === 'bind')!.body as Record<string, unknown>;
  assert.deepEqual(body.target, { apiVersion: 'v1', kind: 'Node', name: 'big' });
});

test('assumed pods make later decisions account for earlier ones before any watch event', async () => {
  const { cs, s } = setup();
  s.handleNodeAdd(makeNode('a', { cpu: '1' }));
  s.handleNodeAdd(makeNode('b', { cpu: '1' }));
  for (const n of ['p1', 'p2']) s.handlePodAdd(makePod(n, { cpu: '1' }));
  await s.scheduleOne();
  await s.scheduleOne();
  await s.waitForBindings();
  const b = cs.bindings();
  assert.notEqual(b.p1, b.p2);
});

test('unschedulable: FailedScheduling with the aggregated message, PodScheduled=False, retried when a node is added', async () => {
  const { cs, events, s } = setup();
  s.handleNodeAdd(makeNode('n1', { cpu: '1' }));
  s.handleNodeAdd(makeNode('n2', { cpu: '8', taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] }));
  s.handlePodAdd(makePod('p', { cpu: '2' }));
  await s.scheduleOne();
  const ev = events.list.at(-1)!;
  assert.equal(ev.reason, 'FailedScheduling');
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: infra}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
  const patch = cs.calls.find((c) => c.verb === 'patch')!.body as { status: { conditions: { type: string; status: string; reason: string }[] } };
  assert.deepEqual(patch.status.conditions.map((c) => [c.type, c.status, c.reason]), [['PodScheduled', 'False', 'Unschedulable']]);
  assert.equal(s.queue.where('default/p'), 'unschedulable');
  s.handleNodeAdd(makeNode('n3', { cpu: '4' }));
  assert.notEqual(s.queue.where('default/p'), 'unschedulable');
});

test('binding failure forgets the assumed pod and requeues with back-off', async () => {
  const { cs, s } = setup();
  cs.failBinds = true;
  s.handleNodeAdd(makeNode('n1', { cpu: '1' }));
  s.handlePodAdd(makePod('p', { cpu: '1' }));
  await s.scheduleOne();
  await s.waitForBindings();
  assert.equal(s.cache.podCount(), 0);
  assert.equal(s.queue.where('default/p'), 'backoff');
});

test('priority from priorityClassName and the global default class', async () => {
  const { cs, s } = setup();
  s.handlePriorityClass({ metadata: { name: 'high' }, value: 1000 });
  s.handlePriorityClass({ metadata: { name: 'default' }, value: 5, globalDefault: true });
  s.handleNodeAdd(makeNode('n1', { cpu: '1' }));
  s.handlePodAdd(makePod('plain', { cpu: '1' }));
  s.handlePodAdd(makePod('vip', { cpu: '1', spec: { priorityClassName: 'high' } }));
  await s.scheduleOne();
  await s.waitForBindings();
  assert.deepEqual(cs.bindings(), { vip: 'n1' });
});

test('preemption: evicts the lower-priority victim and nominates the node', async () => {
  const { cs, s, clock } = setup();
  s.handleNodeAdd(makeNode('n1', { cpu: '1' }));
  s.handlePodAdd(makePod('low', { cpu: '1', priority: 1, nodeName: 'n1' }));
  s.handlePodAdd(makePod('high', { cpu: '1', priority: 100 }));
  await s.scheduleOne();
  assert.deepEqual(cs.calls.filter((c) => c.verb === 'delete').map((c) => c.name), ['low']);
  const patch = cs.calls.find((c) => c.verb === 'patch' && c.name === 'high')!.body as { status: { nominatedNodeName?: string } };
  assert.equal(patch.status.nominatedNodeName, 'n1');
  // the victim goes away → the preemptor binds
  s.handlePodDelete(makePod('low', { cpu: '1', priority: 1, nodeName: 'n1' }));
  clock.advance(1000);
  s.queue.flushBackoffCompleted();
  await s.scheduleOne();
  await s.waitForBindings();
  assert.deepEqual(cs.bindings(), { high: 'n1' });
});

test('only pods for this scheduler name are queued', () => {
  const { s } = setup();
  s.handlePodAdd(makePod('mine'));
  s.handlePodAdd(makePod('theirs', { spec: { schedulerName: 'other' } }));
  assert.equal(s.queue.lengths().active, 1);
});

/** A scheduler whose profile adds a Permit plugin "Gate" that holds pods labelled gate=yes for 10 s. */
function gated() {
  const cs = new RecordingClientset();
  const events = new Events();
  const clock = new FakeClock(1_000_000);
  const registry = inTreeRegistry().register('Gate', () => ({
    name: 'Gate',
    permit: (_s: CycleState, pod: Pod) => (pod.metadata.labels?.gate === 'yes' ? { status: new Status(Code.Wait), timeoutMs: 10_000 } : { status: Status.OK }),
  }));
  const profile = defaultProfile();
  profile.plugins.permit = [{ name: 'Gate' }];
  const s = new Scheduler({ clientset: cs, clock, events, random: () => 0.5, registry, profiles: [profile] });
  s.handleNodeAdd(makeNode('n1'));
  return { cs, events, clock, s, fw: s.framework('default-scheduler')! };
}

test('Permit Wait: a held pod binds once allowed, and others bind meanwhile', async () => {
  const { cs, s, fw } = gated();
  s.handlePodAdd(makePod('held', { labels: { gate: 'yes' } }));
  s.handlePodAdd(makePod('free'));
  await s.scheduleOne();
  await s.scheduleOne();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(cs.bindings(), { free: 'n1' });
  const wp = fw.getWaitingPod('uid-held');
  assert.deepEqual(wp?.pendingPlugins(), ['Gate']);
  let seen = 0;
  fw.iterateOverWaitingPods(() => seen++);
  assert.equal(seen, 1);
  wp!.allow('Gate');
  await s.waitForBindings();
  assert.deepEqual(cs.bindings(), { free: 'n1', held: 'n1' });
  assert.equal(fw.getWaitingPod('uid-held'), undefined);
});

test('Permit Wait: timeout and rejection send the pod back unschedulable with upstream messages', async () => {
  const { cs, events, clock, s, fw } = gated();
  s.handlePodAdd(makePod('late', { labels: { gate: 'yes' } }));
  await s.scheduleOne();
  clock.advance(10_000);
  await s.waitForBindings();
  assert.deepEqual(cs.bindings(), {});
  assert.deepEqual(events.list.map((e) => [e.reason, e.message]), [['FailedScheduling', 'rejected due to timeout after waiting 10s at plugin Gate']]);
  // the assumed pod was forgotten: the node's resources are free again
  assert.equal(s.cache.isAssumed(makePod('late', { nodeName: 'n1' })), false);
  s.handlePodAdd(makePod('nope', { labels: { gate: 'yes' } }));
  await s.scheduleOne();
  fw.getWaitingPod('uid-nope')!.reject('Gate', 'not today');
  await s.waitForBindings();
  assert.equal(events.list.at(-1)?.message, 'not today');
  // deleting a waiting pod rejects it
  const gone = makePod('gone', { labels: { gate: 'yes' } });
  s.handlePodAdd(gone);
  await s.scheduleOne();
  s.handlePodDelete(gone);
  await s.waitForBindings();
  assert.deepEqual(cs.bindings(), {});
  assert.equal(fw.getWaitingPod('uid-gone'), undefined);
});
