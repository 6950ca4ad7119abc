import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Pod } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import {
  JOB_COMPLETION_INDEX, JOB_TRACKING_FINALIZER, backoffMs, failureReason, flushUncounted, newlyFinished, planPods, recordUncounted, successReached, totals,
} from './logic.js';
import { newJobPod } from './controller.js';

function job(o: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job {
  return {
    metadata: { name: 'pi', namespace: 'default', uid: 'J' },
    spec: { parallelism: 2, completions: 5, backoffLimit: 2, completionMode: 'NonIndexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } }, ...o },
    status,
  };
}
let n = 0;
function pod(phase: 'Running' | 'Succeeded' | 'Failed', o: { index?: number; finalizer?: boolean; deleted?: boolean } = {}): Pod {
  const p = makePod({ name: `pi-${++n}`, phase, created: n * 1000 });
  p.metadata.uid = `u${n}`;
  if (o.finalizer !== false) p.metadata.finalizers = [JOB_TRACKING_FINALIZER];
  if (o.index !== undefined) p.metadata.annotations = { [JOB_COMPLETION_INDEX]: String(o.index) };
  if (o.deleted) p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  return p;
}

test('completed-index sets format and parse as the API writes them', () => {
  const cases: [number[], string][] = [[[], ''], [[0], '0'], [[0, 1, 2], '0-2'], [[5, 1, 3, 4, 7], '1,3-5,7'], [[2, 2, 3], '2-3']];
  for (const [idx, s] of cases) {
    assert.equal(formatIndexes(idx), s);
    assert.deepEqual(parseIndexes(s), [...new Set(idx)].sort((a, b) => a - b));
  }
  assert.deepEqual(parseIndexes('1,3-9', 5), [1, 3, 4]);
});

test('finalizer tracking: newly finished pods become uncounted, then counted once their finalizer is gone', () => {
  const j = job();
  const s1 = pod('Succeeded');
  const f1 = pod('Failed');
  const d1 = pod('Running', { deleted: true });
  const r1 = pod('Running');
  const old = pod('Succeeded', { finalizer: false });
  const fresh = newlyFinished(j, [s1, f1, d1, r1, old]);
  assert.deepEqual(fresh.succeeded.map((p) => p.metadata.uid), [s1.metadata.uid]);
  assert.deepEqual(fresh.failed.map((p) => p.metadata.uid), [f1.metadata.uid, d1.metadata.uid]);
  const st = recordUncounted(j, fresh);
  assert.deepEqual(st.uncountedTerminatedPods, { succeeded: [s1.metadata.uid], failed: [f1.metadata.uid, d1.metadata.uid] });
  assert.deepEqual(totals(j, st), { succeeded: 1, failed: 2 });
  // Recorded pods are not "new" again.
  assert.deepEqual(newlyFinished({ ...j, status: st }, [s1, f1, d1]), { succeeded: [], failed: [] });
  // The finalizer came off s1 and f1 only: they move to the counters; d1 stays uncounted.
  const strip = (p: Pod) => ({ ...p, metadata: { ...p.metadata, finalizers: [] } });
  const flushed = flushUncounted(st, [strip(s1), strip(f1), d1], false);
  assert.equal(flushed.succeeded, 1);
  assert.equal(flushed.failed, 1);
  assert.deepEqual(flushed.uncountedTerminatedPods, { failed: [d1.metadata.uid] });
  assert.deepEqual(totals(j, flushed), { succeeded: 1, failed: 2 });
});

test('Indexed jobs count completions by index', () => {
  const j = job({ completionMode: 'Indexed', completions: 4 }, { completedIndexes: '0' });
  const st = recordUncounted(j, { succeeded: [pod('Succeeded', { index: 2 }), pod('Succeeded', { index: 2 }), pod('Succeeded', { index: 9 })], failed: [] });
  assert.equal(st.completedIndexes, '0,2');
  assert.equal(st.succeeded, 2);
  assert.equal(flushUncounted(st, [], true).succeeded, 2);
});

test('failure and success criteria', () => {
  const base = { active: [] as Pod[], restarts: 0, now: 100_000, startTime: 0 };
  const cases: { name: string; job: Job; f: Partial<typeof base> & { succeeded: number; failed: number }; fail?: string; success: boolean }[] = [
    { name: 'within backoffLimit', job: job(), f: { succeeded: 0, failed: 2 }, success: false },
    { name: 'beyond backoffLimit', job: job(), f: { succeeded: 0, failed: 3 }, fail: 'BackoffLimitExceeded', success: false },
    { name: 'OnFailure restarts count', job: job({ template: { spec: { restartPolicy: 'OnFailure', containers: [] } } }), f: { succeeded: 0, failed: 1, restarts: 2 }, fail: 'BackoffLimitExceeded', success: false },
    { name: 'deadline passed', job: job({ activeDeadlineSeconds: 100 }), f: { succeeded: 0, failed: 0 }, fail: 'DeadlineExceeded', success: false },
    { name: 'deadline not yet', job: job({ activeDeadlineSeconds: 101 }), f: { succeeded: 0, failed: 0 }, success: false },
    { name: 'completions reached', job: job(), f: { succeeded: 5, failed: 0 }, success: true },
    { name: 'work queue: a success and nothing active', job: job({ completions: undefined }), f: { succeeded: 1, failed: 0 }, success: true },
    { name: 'work queue: still active', job: job({ completions: undefined }), f: { succeeded: 1, failed: 0, active: [pod('Running')] }, success: false },
  ];
  for (const c of cases) {
    const f = { ...base, ...c.f };
    assert.equal(failureReason(c.job, f)?.reason, c.fail, c.name);
    assert.equal(successReached(c.job, f), c.success, c.name);
  }
});

test('pods to start or stop', () => {
  const f = (succeeded: number, active: Pod[]) => ({ succeeded, failed: 0, active, restarts: 0, now: 0 });
  assert.equal(planPods(job(), f(0, [])).create, 2, 'parallelism');
  assert.equal(planPods(job(), f(4, [])).create, 1, 'only what completions still need');
  assert.equal(planPods(job(), f(4, [pod('Running'), pod('Running')])).delete.length, 1, 'too many active');
  assert.equal(planPods(job({ completions: undefined }), f(1, [])).create, 0, 'work queue stops after a success');
  const ij = job({ completionMode: 'Indexed', completions: 5, parallelism: 3 }, { completedIndexes: '0,2' });
  const running = pod('Running', { index: 1 });
  const dup = pod('Running', { index: 1 });
  const p = planPods(ij, f(2, [running, dup]));
  assert.deepEqual(p.indexes, [3, 4]);
  assert.deepEqual(p.delete.map((x) => x.metadata.name), [dup.metadata.name]);
});

test('back-off doubles from 10 s up to 6 minutes', () => {
  assert.deepEqual([0, 1, 2, 3, 7, 20].map((x) => backoffMs(x)), [0, 10_000, 20_000, 40_000, 360_000, 360_000]);
});

test('job pods carry the finalizer; Indexed pods the index annotation, label, hostname and env', () => {
  const p = newJobPod(job({ completionMode: 'Indexed' }), 3);
  assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  assert.equal(p.metadata.annotations?.[JOB_COMPLETION_INDEX], '3');
  assert.equal(p.metadata.labels?.[JOB_COMPLETION_INDEX], '3');
  assert.equal(p.metadata.generateName, 'pi-3-');
  assert.equal(p.spec.hostname, 'pi-3');
  assert.deepEqual(p.spec.containers[0]!.env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
  assert.equal(newJobPod(job()).spec.hostname, undefined);
});
