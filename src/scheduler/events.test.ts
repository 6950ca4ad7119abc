import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedEventSink } from './events.js';
import { makePod } from './testing/fixtures.js';

test('BoundedEventSink: bounded concurrency, drops beyond capacity, writes the rest in order', async () => {
  const written: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sink = new BoundedEventSink({
    event: async (_o, _t, _r, message) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      written.push(message);
      inFlight--;
    },
  }, { capacity: 5, concurrency: 2 });
  for (let i = 0; i < 10; i++) sink.event(makePod('p'), 'Normal', 'Scheduled', `m${i}`);
  await sink.drain();
  assert.equal(maxInFlight, 2);
  assert.equal(written.length + sink.dropped, 10);
  assert.ok(sink.dropped > 0);
  assert.deepEqual(written, [...written].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
});
