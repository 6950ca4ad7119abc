import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PriorityClass } from '../api/types/apps.js';
import { resolvePriority } from './priority.js';
import { makePod } from './testing/fixtures.js';

test('resolvePriority: explicit, class name, system class, global default, missing class', () => {
  const classes: PriorityClass[] = [{ metadata: { name: 'gold' }, value: 100, preemptionPolicy: 'Never' }, { metadata: { name: 'base' }, value: 7, globalDefault: true }];
  const table: [string, ReturnType<typeof makePod>, number | undefined][] = [
    ['explicit', makePod('p', { priority: 3 }), 3],
    ['class', makePod('p', { spec: { priorityClassName: 'gold' } }), 100],
    ['system', makePod('p', { spec: { priorityClassName: 'system-node-critical' } }), 2000001000],
    ['global default', makePod('p'), 7],
    ['missing class', makePod('p', { spec: { priorityClassName: 'nope' } }), undefined],
  ];
  for (const [name, pod, want] of table) assert.equal(resolvePriority(pod, classes)?.priority, want, name);
  assert.equal(resolvePriority(makePod('p', { spec: { priorityClassName: 'gold' } }), classes)?.preemptionPolicy, 'Never');
  assert.equal(resolvePriority(makePod('p'), [])?.priority, 0);
});
