import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPodInfo } from '../framework/pod-info.js';
import { makePod } from '../testing/fixtures.js';
import { newPrioritySort } from './priority-sort.js';

test('PrioritySort: higher priority first, then older timestamp', () => {
  const q = (name: string, priority: number, timestamp: number) => ({ podInfo: newPodInfo(makePod(name, { priority })), timestamp, initialAttemptTimestamp: timestamp, attempts: 0, unschedulablePlugins: new Set<string>() });
  const less = newPrioritySort().less;
  const cases: [ReturnType<typeof q>, ReturnType<typeof q>, boolean][] = [
    [q('a', 10, 5), q('b', 1, 1), true],
    [q('a', 1, 1), q('b', 10, 5), false],
    [q('a', 5, 1), q('b', 5, 2), true],
    [q('a', 5, 2), q('b', 5, 1), false],
  ];
  for (const [a, b, want] of cases) assert.equal(less(a, b), want);
});
