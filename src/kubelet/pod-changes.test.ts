import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podChangedBeyondStatus, stableStatusJSON } from './kubelet.js';
import type { Pod } from '../api/types/index.js';

const base: Pod = { metadata: { name: 'p', uid: 'u', resourceVersion: '1', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending' } };
const cases: [string, (p: Pod) => void, boolean][] = [
  ['status and resourceVersion only', (p) => ((p.status = { phase: 'Running' }), (p.metadata.resourceVersion = '2')), false],
  ['deletion timestamp', (p) => (p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z'), true],
  ['spec', (p) => (p.spec.containers[0]!.image = 'j'), true],
  ['labels', (p) => (p.metadata.labels = { a: '2' }), true],
  ['uid (recreated)', (p) => (p.metadata.uid = 'v'), true],
];
for (const [name, change, want] of cases) {
  test(`pod update needs a sync: ${name} → ${want}`, () => {
    const b: Pod = JSON.parse(JSON.stringify(base));
    change(b);
    assert.equal(podChangedBeyondStatus(base, b), want);
  });
}

test('stableStatusJSON ignores key order and transition/probe times, and sees a Ready flip', () => {
  const a = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  const reordered = { conditions: [{ status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', type: 'Ready' }], phase: 'Running' };
  const flipped = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  assert.equal(stableStatusJSON(a), stableStatusJSON(reordered));
  assert.notEqual(stableStatusJSON(a), stableStatusJSON(flipped));
  assert.equal(stableStatusJSON(undefined), '{}');
});
