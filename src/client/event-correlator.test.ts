import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCorrelator, SPAM_BURST } from './event-correlator.js';

const facts = (object: string, message: string, reason = 'SuccessfulCreate') => ({ source: 'cm', object, fieldPath: '', type: 'Normal', reason, message });
const summary = (c: ReturnType<EventCorrelator['correlate']>) => (c.action === 'skip' ? 'skip' : c.action === 'patch' ? `patch ${c.count} ${c.message}` : `create ${c.message}`);

test('EventCorrelator: repeats bump the count; the 10th distinct message folds into one combined event', () => {
  const c = new EventCorrelator();
  assert.equal(summary(c.correlate(facts('rs', 'Created pod: p0'), 0)), 'create Created pod: p0');
  assert.equal(summary(c.correlate(facts('rs', 'Created pod: p0'), 0)), 'patch 2 Created pod: p0');
  for (let i = 1; i < 9; i++) assert.equal(summary(c.correlate(facts('rs', `Created pod: p${i}`), 0)), `create Created pod: p${i}`);
  assert.equal(summary(c.correlate(facts('rs', 'Created pod: p9'), 0)), 'create (combined from similar events): Created pod: p9');
  assert.equal(summary(c.correlate(facts('rs', 'Created pod: p10'), 0)), 'patch 2 (combined from similar events): Created pod: p10');
  // Another reason about the same object is aggregated apart.
  assert.equal(summary(c.correlate(facts('rs', 'Deleted pod: p0', 'SuccessfulDelete'), 0)), 'create Deleted pod: p0');
});

test('EventCorrelator: 25 events per object, then one per 5 minutes; other objects unaffected', () => {
  const c = new EventCorrelator();
  const results = Array.from({ length: 40 }, (_, i) => c.correlate(facts('rs', `m${i}`), 1000));
  assert.equal(results.filter((r) => r.action !== 'skip').length, SPAM_BURST);
  assert.equal(c.correlate(facts('other', 'm'), 1000).action, 'create');
  assert.equal(c.correlate(facts('rs', 'late'), 1000 + 299_000).action, 'skip');
  assert.notEqual(c.correlate(facts('rs', 'late'), 1000 + 301_000).action, 'skip');
  // After the aggregation interval the distinct-message count starts over.
  assert.equal(summary(c.correlate(facts('rs', 'fresh'), 1000 + 3_000_000)), 'create fresh');
});

test('EventCorrelator without aggregation and spam filter only bumps counts of identical events', () => {
  const c = new EventCorrelator({ aggregate: false, spamFilter: false });
  for (let i = 0; i < 40; i++) assert.equal(summary(c.correlate(facts('pod', `m${i}`), 0)), `create m${i}`);
  assert.equal(summary(c.correlate(facts('pod', 'm0'), 0)), 'patch 2 m0');
});
