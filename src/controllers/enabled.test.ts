import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enabledControllers } from './enabled.js';

test('controllers flag: star, enable, disable, unknown', () => {
  const known = ['a', 'b', 'c'];
  assert.deepEqual(enabledControllers('*', known), ['a', 'b', 'c']);
  assert.deepEqual(enabledControllers('*,-b', known), ['a', 'c']);
  assert.deepEqual(enabledControllers('b', known), ['b']);
  assert.deepEqual(enabledControllers('*,c', known, ['a']), ['a', 'c']);
  assert.throws(() => enabledControllers('*,-zzz', known), /unknown controller/);
});
