import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHealth } from './health.js';

const good = [{ name: 'ping', ok: true }, { name: 'etcd', ok: true }];
const bad = [{ name: 'ping', ok: true }, { name: 'etcd', ok: false }];

test('renderHealth: short, verbose, single check, exclusions and failures', () => {
  const cases: Array<[string, ReturnType<typeof renderHealth>, number, string]> = [
    ['healthy', renderHealth('readyz', good, new URLSearchParams('')), 200, 'ok'],
    ['verbose', renderHealth('readyz', good, new URLSearchParams('verbose')), 200, '[+]ping ok\n[+]etcd ok\nreadyz check passed\n'],
    ['failing', renderHealth('livez', bad, new URLSearchParams('')), 500, '[+]ping ok\n[-]etcd failed: reason withheld\nlivez check failed\n'],
    ['excluded', renderHealth('readyz', bad, new URLSearchParams('exclude=etcd&verbose')), 200, '[+]ping ok\n[+]etcd excluded: ok\nreadyz check passed\n'],
    ['one check', renderHealth('readyz', good, new URLSearchParams(''), 'etcd'), 200, 'ok'],
    ['one failing check', renderHealth('readyz', bad, new URLSearchParams(''), 'etcd'), 500, 'internal server error: etcd check failed\n'],
    ['unknown check', renderHealth('readyz', good, new URLSearchParams(''), 'nope'), 404, '404 page not found\n'],
  ];
  for (const [name, got, code, body] of cases) {
    assert.equal(got.code, code, name);
    assert.equal(got.body, body, name);
  }
});
