// DNS over real sockets on loopback: UDP and TCP, truncation, forwarding with a cache, CNAME chasing.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet, RecordType } from 'dns-packet';
import type { Service } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { DnsServer } from '../../src/dns/server.js';
import { buildClusterState, type ClusterState } from '../../src/dns/state.js';
import { DnsCache } from '../../src/dns/cache.js';
import { Forwarder, queryTCP, queryUDP } from '../../src/dns/forwarder.js';
import { rcodeOf, FLAG_TC, RCODE } from '../../src/dns/answer.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

const many = Array.from({ length: 60 }, (_, i) => ({ addresses: [`10.244.7.${i + 1}`], conditions: { ready: true } }));
const services: Service[] = [
  { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80 }] } },
  { metadata: { namespace: 'default', name: 'big' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] } },
  { metadata: { namespace: 'default', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'api.default.svc.upstream.test' } },
];
const slices: EndpointSlice[] = [
  { metadata: { namespace: 'default', name: 'big-1', labels: { 'kubernetes.io/service-name': 'big' } }, addressType: 'IPv4', endpoints: many, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
];

let upstreamQueries = 0;
const upstreamState = buildClusterState([{ metadata: { namespace: 'default', name: 'api' }, spec: { clusterIP: '10.100.0.1', ports: [{ port: 443 }] } }], []);
const upstream = new DnsServer({
  listen: '127.0.0.1:0',
  answer: { domain: 'upstream.test', ttl: 30 },
  state: {
    current(): ClusterState {
      upstreamQueries++;
      return upstreamState;
    },
  },
  logger: silentLogger(),
});
let server: DnsServer;
let addr = { host: '127.0.0.1', port: 0 };

before(async () => {
  const up = await upstream.start();
  server = new DnsServer({
    listen: '127.0.0.1:0',
    answer: { domain: 'cluster.local' },
    state: { current: () => buildClusterState(services, slices) },
    forwarder: new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }], cache: new DnsCache({ clock: realClock }), timeoutMs: 2000 }),
    logger: silentLogger(),
  });
  addr = await server.start();
});
after(async () => {
  await server?.stop();
  await upstream.stop();
});

let nextId = 1;
const q = (name: string, type: RecordType, edns?: number): Packet => ({
  id: nextId++,
  type: 'query',
  flags: 1 << 8,
  questions: [{ name, type, class: 'IN' }],
  additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
});
const ips = (p: Packet) => (p.answers ?? []).filter((a) => a.type === 'A').map((a) => ('data' in a ? a.data : ''));

test('A over UDP and TCP', async () => {
  const u = await queryUDP(addr, q('web.default.svc.cluster.local', 'A'), 2000);
  assert.deepEqual(ips(u), ['10.96.0.50']);
  const t = await queryTCP(addr, q('web.default.svc.cluster.local', 'A'), 2000);
  assert.deepEqual(ips(t), ['10.96.0.50']);
  const nx = await queryUDP(addr, q('nope.default.svc.cluster.local', 'A'), 2000);
  assert.equal(rcodeOf(nx), RCODE.NXDOMAIN);
});

test('a large answer is truncated over UDP, complete over TCP and with EDNS', async () => {
  const u = await queryUDP(addr, q('big.default.svc.cluster.local', 'A'), 2000);
  assert.ok(((u.flags ?? 0) & FLAG_TC) !== 0, 'TC set');
  assert.equal(ips(u).length, 0);
  const t = await queryTCP(addr, q('big.default.svc.cluster.local', 'A'), 2000);
  assert.equal(ips(t).length, 60);
  assert.equal(((t.flags ?? 0) & FLAG_TC), 0);
  const e = await queryUDP(addr, q('big.default.svc.cluster.local', 'A', 4096), 2000);
  assert.equal(ips(e).length, 60);
});

test('other names are forwarded upstream and cached; ExternalName CNAME is chased', async () => {
  const before = upstreamQueries;
  const a = await queryUDP(addr, q('api.default.svc.upstream.test', 'A'), 2000);
  assert.deepEqual(ips(a), ['10.100.0.1']);
  const b = await queryUDP(addr, q('API.default.svc.upstream.test', 'A'), 2000);
  assert.deepEqual(ips(b), ['10.100.0.1']);
  assert.equal(upstreamQueries - before, 1, 'second answer came from the cache');
  const c = await queryUDP(addr, q('ext.default.svc.cluster.local', 'A'), 2000);
  assert.deepEqual(c.answers?.map((x) => x.type), ['CNAME', 'A']);
  assert.deepEqual(ips(c), ['10.100.0.1']);
  const nx = await queryUDP(addr, q('missing.default.svc.upstream.test', 'A'), 2000);
  assert.equal(rcodeOf(nx), RCODE.NXDOMAIN);
});

test('SERVFAIL when no upstream answers', async () => {
  const lonely = new DnsServer({
    listen: '127.0.0.1:0',
    answer: { domain: 'cluster.local' },
    state: { current: () => buildClusterState([], []) },
    forwarder: new Forwarder({ upstreams: [], timeoutMs: 200 }),
    logger: silentLogger(),
  });
  const a = await lonely.start();
  try {
    const r = await queryUDP(a, q('example.org', 'A'), 2000);
    assert.equal(rcodeOf(r), RCODE.SERVFAIL);
  } finally {
    await lonely.stop();
  }
});
