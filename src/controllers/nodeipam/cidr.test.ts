import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrAllocator, parseCidr, formatIp } from './cidr.js';

test('parseCidr masks the base and rejects junk', () => {
  assert.deepEqual(parseCidr('10.244.3.7/16'), { base: parseCidr('10.244.0.0/16').base, prefix: 16 });
  assert.equal(formatIp(parseCidr('10.244.3.7/16').base), '10.244.0.0');
  for (const bad of ['10.244.0.0', '300.1.1.1/8', '10.0.0.0/33', 'x/1']) assert.throws(() => parseCidr(bad), bad);
});

test('allocator hands out distinct subnets, honours occupied ones, and reuses released ones', () => {
  const a = new CidrAllocator('10.244.0.0/16', 24);
  assert.equal(a.size, 256);
  assert.equal(a.occupy('10.244.0.0/24'), true);
  assert.equal(a.occupy('10.245.0.0/24'), false);
  assert.equal(a.occupy('10.244.1.0/25'), false);
  assert.equal(a.allocate(), '10.244.1.0/24');
  assert.equal(a.allocate(), '10.244.2.0/24');
  a.release('10.244.1.0/24');
  const seen = new Set<string>();
  for (let i = 0; i < 254; i++) {
    const c = a.allocate();
    assert.ok(c && !seen.has(c), `distinct at ${i}`);
    seen.add(c);
  }
  assert.ok(seen.has('10.244.1.0/24'));
  assert.equal(a.allocate(), undefined);
  assert.throws(() => new CidrAllocator('10.0.0.0/24', 16));
});
