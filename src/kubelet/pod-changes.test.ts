import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podChangedBeyondStatus } from './kubelet.js';
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
