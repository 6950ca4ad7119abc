import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet } from 'dns-packet';
import { FakeClock } from '../util/clock.js';
import { DnsCache } from './cache.js';
import { nameserversFromResolvConf, parseUpstreams } from './forwarder.js';

const query = (id: number): Packet => ({ id, type: 'query', questions: [{ name: 'Example.COM', type: 'A', class: 'IN' }] });

test('cache serves until the smallest TTL passes, ageing TTLs and keeping the query id', () => {
  const clock = new FakeClock(0);
  const cache = new DnsCache({ clock });
  cache.put({ id: 1, type: 'response', flags: 0, questions: query(1).questions, answers: [
    { type: 'A', name: 'example.com', ttl: 30, data: '1.2.3.4' },
    { type: 'A', name: 'example.com', ttl: 10, data: '1.2.3.5' },
  ] });
  clock.advance(4000);
  const hit = cache.get({ ...query(7), questions: [{ name: 'example.com.', type: 'A', class: 'IN' }] });
  assert.equal(hit?.id, 7);
  assert.deepEqual(hit?.answers?.map((a) => ('ttl' in a ? a.ttl : -1)), [26, 6]);
  clock.advance(6000);
  assert.equal(cache.get(query(8)), undefined);
});

test('negative answers use the SOA minimum; SERVFAIL and truncated answers are not cached', () => {
  const clock = new FakeClock(0);
  const cache = new DnsCache({ clock });
  cache.put({ id: 1, type: 'response', flags: 3, questions: query(1).questions, answers: [], authorities: [
    { type: 'SOA', name: 'com', ttl: 900, data: { mname: 'a', rname: 'b', minimum: 2 } },
  ] });
  assert.equal(((cache.get(query(2))?.flags ?? 0) & 0xf), 3);
  clock.advance(2000);
  assert.equal(cache.get(query(3)), undefined);
  cache.put({ id: 1, type: 'response', flags: 2, questions: query(1).questions });
  cache.put({ id: 1, type: 'response', flags: 1 << 9, questions: query(1).questions, answers: [{ type: 'A', name: 'example.com', ttl: 30, data: '1.2.3.4' }] });
  assert.equal(cache.size, 0);
});

test('upstream parsing', () => {
  assert.deepEqual(parseUpstreams('10.0.0.1, 10.0.0.2:5353,[fd00::1]:53'), [
    { host: '10.0.0.1', port: 53 },
    { host: '10.0.0.2', port: 5353 },
    { host: 'fd00::1', port: 53 },
  ]);
  assert.deepEqual(nameserversFromResolvConf('# x\nsearch a b\nnameserver 127.0.0.53\nnameserver 8.8.8.8\n', true), [{ host: '8.8.8.8', port: 53 }]);
});
