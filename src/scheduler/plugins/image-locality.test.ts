import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameworkFor, scoreAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';

const MB = 1024 * 1024;

test('ImageLocality: nodes holding large, widely spread images score higher', () => {
  const big = { names: ['docker.io/library/big:1'], sizeBytes: 500 * MB };
  const snap = snapshot([
    [makeNode('has', { images: [big] }), []],
    [makeNode('has2', { images: [big] }), []],
    [makeNode('none'), []],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'ImageLocality' }] });
  const pod = makePod('p', { containers: [{ name: 'c', image: 'docker.io/library/big:1' }] });
  const got = scoreAll(fw, pod, snap);
  // sum = 500MB × 2/3 ≈ 333MB → (333 - 23) / (1000 - 23) × 100 = 31
  assert.deepEqual(got, { has: 31, has2: 31, none: 0 });
  const small = makePod('q', { containers: [{ name: 'c', image: 'other' }] });
  assert.deepEqual(scoreAll(fw, small, snap), { has: 0, has2: 0, none: 0 });
});
