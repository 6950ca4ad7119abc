import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Pod } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { applyPodFailurePolicy, matchPodFailurePolicy } from './pod-failure-policy.js';

const job: Job = {
  metadata: { name: 'j' },
  spec: {
    template: { spec: { containers: [] } },
    podFailurePolicy: { rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [3] } },
    ] },
  },
};
function failed(codes: Record<string, number>, conditions: string[] = []): Pod {
  const p = makePod({ name: 'p', phase: 'Failed' });
  p.status!.containerStatuses = Object.entries(codes).map(([name, exitCode]) => ({ name, ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode } } }));
  p.status!.conditions = conditions.map((type) => ({ type, status: 'True' }));
  return p;
}

test('podFailurePolicy: first matching rule wins; exit code 0 never matches', () => {
  const cases: { name: string; pod: Pod; want?: string }[] = [
    { name: 'condition rule first', pod: failed({ main: 42 }, ['DisruptionTarget']), want: 'Ignore' },
    { name: 'exit code in values for the named container', pod: failed({ main: 42 }), want: 'FailJob' },
    { name: 'another container with 42 does not match the named rule', pod: failed({ side: 42 }), want: 'Count' },
    { name: 'NotIn matches other codes', pod: failed({ main: 7 }), want: 'Count' },
    { name: 'NotIn excluded code', pod: failed({ main: 3 }), want: undefined },
    { name: 'exit code 0 ignored', pod: failed({ main: 0 }), want: undefined },
  ];
  for (const c of cases) assert.equal(matchPodFailurePolicy(job, c.pod)?.action, c.want, c.name);
  assert.equal(matchPodFailurePolicy(job, failed({ main: 42 }))?.message, 'Container main for pod default/p failed with exit code 42 matching FailJob rule at index 1');
  const split = applyPodFailurePolicy(job, [failed({ main: 1 }, ['DisruptionTarget']), failed({ main: 42 }), failed({ main: 5 })]);
  assert.equal(split.ignored.length, 1);
  assert.equal(split.counted.length, 2);
  assert.match(split.failJob!, /exit code 42/);
});
