import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32, sepChain, svcChain, isPerServiceChain } from './chainnames.js';

test('base32 matches RFC 4648 test vectors', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];
  for (const [input, want] of cases) assert.equal(base32(Buffer.from(input)), want, input);
});

test('chain names are 25 characters, stable, and distinct per input', () => {
  const a = svcChain('ns1/svc1:p80', 'tcp');
  assert.match(a, /^KUBE-SVC-[A-Z2-7]{16}$/);
  assert.equal(a, svcChain('ns1/svc1:p80', 'tcp'));
  assert.notEqual(a, svcChain('ns1/svc1:p80', 'udp'));
  const e = sepChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80');
  assert.match(e, /^KUBE-SEP-[A-Z2-7]{16}$/);
  assert.ok(e.length <= 28, 'within the iptables chain name limit');
  assert.notEqual(e, sepChain('ns1/svc1:p80', 'tcp', '10.180.0.2:80'));
  assert.ok(isPerServiceChain(e));
  assert.ok(!isPerServiceChain('KUBE-SERVICES'));
});
