import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { missingNodes, terminatedOverThreshold, terminatingOnOutOfService, unscheduledTerminating, TAINT_OUT_OF_SERVICE } from './select.js';

const names = (ps: Pod[]) => ps.map((p) => p.metadata.name);
const deleting = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });

test('terminatedOverThreshold deletes the oldest terminated pods beyond the threshold', () => {
  const pods = [
    makePod({ name: 'f-new', phase: 'Failed', created: 3000 }),
    makePod({ name: 's-old', phase: 'Succeeded', created: 1000 }),
    makePod({ name: 'running', phase: 'Running', created: 0 }),
    makePod({ name: 's-mid', phase: 'Succeeded', created: 2000 }),
    deleting(makePod({ name: 'gone', phase: 'Failed', created: 0 })),
  ];
  const cases: [number, string[]][] = [[0, []], [3, []], [2, ['s-old']], [1, ['s-old', 's-mid']]];
  for (const [threshold, want] of cases) assert.deepEqual(names(terminatedOverThreshold(pods, threshold)), want, `threshold ${threshold}`);
});

test('missingNodes, unscheduledTerminating and terminatingOnOutOfService pick only what nothing else will clean', () => {
  const pods = [makePod({ name: 'a', node: 'n1' }), makePod({ name: 'b', node: 'ghost' }), makePod({ name: 'c' }), deleting(makePod({ name: 'd' })), deleting(makePod({ name: 'e', node: 'oos' })), deleting(makePod({ name: 'f', node: 'n1' }))];
  assert.deepEqual([...missingNodes(pods, new Set(['n1', 'oos']))], ['ghost']);
  assert.deepEqual(names(unscheduledTerminating(pods)), ['d']);
  const node = (name: string, ready: 'True' | 'False', oos: boolean): Node => ({ metadata: { name }, spec: { taints: oos ? [{ key: TAINT_OUT_OF_SERVICE, value: 'nodeshutdown', effect: 'NoExecute' }] : [] }, status: { conditions: [{ type: 'Ready', status: ready }] } });
  assert.deepEqual(names(terminatingOnOutOfService(pods, new Map([['n1', node('n1', 'False', false)], ['oos', node('oos', 'False', true)]]))), ['e']);
  assert.deepEqual(names(terminatingOnOutOfService(pods, new Map([['oos', node('oos', 'True', true)]]))), []);
});
