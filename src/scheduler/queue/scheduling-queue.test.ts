import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../util/clock.js';
import { newPrioritySort } from '../plugins/priority-sort.js';
import { makePod } from '../testing/fixtures.js';
import { SchedulingQueue } from './scheduling-queue.js';

const newQueue = (clock: FakeClock) => new SchedulingQueue({ clock, less: newPrioritySort().less });

test('activeQ pops by priority, then by age', async () => {
  const clock = new FakeClock(1000);
  const q = newQueue(clock);
  q.add(makePod('old-low', { priority: 1 }));
  clock.advance(10);
  q.add(makePod('high', { priority: 10 }));
  clock.advance(10);
  q.add(makePod('new-low', { priority: 1 }));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())!.podInfo.pod.metadata.name);
  assert.deepEqual(order, ['high', 'old-low', 'new-low']);
});

test('back-off doubles from 1 s per attempt up to 10 s', () => {
  const q = newQueue(new FakeClock());
  const table: [number, number][] = [[1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 10_000], [9, 10_000]];
  for (const [attempts, want] of table) {
    assert.equal(q.backoffDuration({ attempts } as never), want, `attempts=${attempts}`);
  }
});

test('unschedulable pool: moved on a cluster event, through backoff while it lasts', async () => {
  const clock = new FakeClock(0);
  const q = newQueue(clock);
  q.add(makePod('p'));
  const qp = (await q.pop())!;
  q.addUnschedulable(qp, q.schedulingCycle);
  assert.equal(q.where('default/p'), 'unschedulable');
  q.moveAllToActiveOrBackoff();
  assert.equal(q.where('default/p'), 'backoff', 'still backing off (attempt 1 → 1 s)');
  clock.advance(999);
  q.flushBackoffCompleted();
  assert.equal(q.where('default/p'), 'backoff');
  clock.advance(1);
  q.flushBackoffCompleted();
  assert.equal(q.where('default/p'), 'active');
});

test('a move request during a cycle sends the failed pod to backoff, not the pool', async () => {
  const clock = new FakeClock(0);
  const q = newQueue(clock);
  q.add(makePod('p'));
  const qp = (await q.pop())!;
  const cycle = q.schedulingCycle;
  q.moveAllToActiveOrBackoff();
  q.addUnschedulable(qp, cycle);
  assert.equal(q.where('default/p'), 'backoff');
});

test('unschedulable leftovers are retried after 5 minutes', async () => {
  const clock = new FakeClock(0);
  const q = newQueue(clock);
  q.add(makePod('p'));
  q.addUnschedulable((await q.pop())!, q.schedulingCycle);
  clock.advance(5 * 60_000 - 1);
  q.flushUnschedulableLeftover();
  assert.equal(q.where('default/p'), 'unschedulable');
  clock.advance(1);
  q.flushUnschedulableLeftover();
  assert.equal(q.where('default/p'), 'active');
});

test('pop waits for an add; delete and close', async () => {
  const q = newQueue(new FakeClock());
  const waiting = q.pop();
  q.add(makePod('late'));
  assert.equal((await waiting)!.podInfo.pod.metadata.name, 'late');
  q.add(makePod('gone'));
  q.delete(makePod('gone'));
  assert.deepEqual(q.lengths(), { active: 0, backoff: 0, unschedulable: 0, gated: 0 });
  const w2 = q.pop();
  q.close();
  assert.equal(await w2, undefined);
});

test('nominated pods are tracked per node', () => {
  const q = newQueue(new FakeClock());
  const pod = makePod('p');
  pod.status = { nominatedNodeName: 'n1' };
  q.add(pod);
  assert.deepEqual(q.nominatedPodsForNode('n1').map((p) => p.key), ['default/p']);
  q.delete(pod);
  assert.deepEqual(q.nominatedPodsForNode('n1'), []);
});

test('a status-only update leaves an unschedulable pod in the pool; a spec change retries it', async () => {
  const q = newQueue(new FakeClock(0));
  q.add(makePod('p'));
  q.addUnschedulable((await q.pop())!, q.schedulingCycle);
  q.update(makePod('p'), false);
  assert.equal(q.where('default/p'), 'unschedulable');
  q.update(makePod('p', { cpu: '1' }), true);
  assert.equal(q.where('default/p'), 'backoff');
});
