import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsRefresh, ServiceAccountTokenManager } from './token-manager.js';

test('token refresh at 80 % of the lifetime or after 24 h', () => {
  const exp = 3600;
  const t = { token: 'x', expiresAt: 10_000_000 + exp * 1000 };
  const table: [number, boolean][] = [
    [10_000_000, false],
    [10_000_000 + 0.79 * exp * 1000, false],
    [10_000_000 + 0.81 * exp * 1000, true],
    [t.expiresAt + 1, true],
  ];
  for (const [now, want] of table) assert.equal(needsRefresh(t, exp, now), want, String(now));
  const year = 365 * 86400;
  const long = { token: 'y', expiresAt: 0 + year * 1000 };
  assert.equal(needsRefresh(long, year, 23 * 3600_000), false);
  assert.equal(needsRefresh(long, year, 25 * 3600_000), true);
});

test('token manager caches per pod/audience and refetches when due', async () => {
  let now = 0;
  let calls = 0;
  const m = new ServiceAccountTokenManager(async (_ns, _sa, spec) => ({ token: `t${++calls}`, expiresAt: now + spec.expirationSeconds * 1000 }), { now: () => now } as never);
  const spec = { audiences: [], expirationSeconds: 3607, pod: { name: 'p', uid: 'u' } };
  assert.equal(await m.token('d', 'default', spec), 't1');
  assert.equal(await m.token('d', 'default', spec), 't1');
  assert.equal(await m.token('d', 'default', { ...spec, audiences: ['vault'] }), 't2');
  now = 3000 * 1000;
  assert.equal(await m.token('d', 'default', spec), 't3');
  m.forgetGone(new Set());
  assert.equal(await m.token('d', 'default', spec), 't4');
});
