import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet, RecordType } from 'dns-packet';
import type { Pod, Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import { answer, rcodeOf, RCODE, FLAG_AA } from './answer.js';
import { buildClusterState } from './state.js';

const svc = (ns: string, name: string, spec: Service['spec']): Service => ({ metadata: { namespace: ns, name }, spec });
const slice = (ns: string, svcName: string, eps: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice => ({
  metadata: { namespace: ns, name: `${svcName}-x`, labels: { 'kubernetes.io/service-name': svcName } },
  addressType: 'IPv4',
  endpoints: eps,
  ports,
});
const pod = (ns: string, name: string, ip: string): Pod => ({ metadata: { namespace: ns, name }, spec: { containers: [] }, status: { podIP: ip } });

const state = buildClusterState(
  [
    svc('default', 'web', { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
    svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
    svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    svc('other', 'dual', { clusterIP: '10.96.0.60', clusterIPs: ['10.96.0.60', 'fd00::60'], ports: [{ port: 80 }] }),
  ],
  [
    slice(
      'default',
      'db',
      [
        { addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.244.1.6'], conditions: { ready: true } },
        { addresses: ['10.244.1.7'], hostname: 'db-2', conditions: { ready: false } },
      ],
      [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    ),
  ],
  [pod('default', 'lonely', '10.244.9.9')],
);
const opts = { domain: 'cluster.local', ttl: 5 };

function q(name: string, type: RecordType | 'ANY'): Packet {
  return { id: 4242, type: 'query', flags: 1 << 8, questions: [{ name, type: type as RecordType, class: 'IN' }] };
}
const data = (p: Packet | undefined, type?: string) => (p?.answers ?? []).filter((a) => !type || a.type === type).map((a) => ('data' in a ? a.data : undefined));

test('answers every record type (table)', () => {
  const cases: { name: string; type: RecordType | 'ANY'; rcode: number; want: unknown[]; soa?: boolean }[] = [
    { name: 'web.default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: ['10.96.0.50'] },
    { name: 'WEB.Default.svc.cluster.local.', type: 'A', rcode: RCODE.NOERROR, want: ['10.96.0.50'] },
    { name: 'web.default.svc.cluster.local', type: 'AAAA', rcode: RCODE.NOERROR, want: [], soa: true },
    { name: 'dual.other.svc.cluster.local', type: 'AAAA', rcode: RCODE.NOERROR, want: ['fd00::60'] },
    { name: 'db.default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: ['10.244.1.5', '10.244.1.6'] },
    { name: 'db-0.db.default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: ['10.244.1.5'] },
    { name: '10-244-1-6.db.default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: ['10.244.1.6'] },
    { name: 'db-2.db.default.svc.cluster.local', type: 'A', rcode: RCODE.NXDOMAIN, want: [], soa: true },
    { name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', rcode: RCODE.NOERROR, want: [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }] },
    { name: '_dns._udp.web.default.svc.cluster.local', type: 'SRV', rcode: RCODE.NOERROR, want: [{ priority: 0, weight: 100, port: 53, target: 'web.default.svc.cluster.local' }] },
    { name: '_http._udp.web.default.svc.cluster.local', type: 'SRV', rcode: RCODE.NXDOMAIN, want: [], soa: true },
    {
      name: '_pg._tcp.db.default.svc.cluster.local',
      type: 'SRV',
      rcode: RCODE.NOERROR,
      want: [
        { priority: 0, weight: 100, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
        { priority: 0, weight: 100, port: 5432, target: '10-244-1-6.db.default.svc.cluster.local' },
      ],
    },
    { name: '_tcp.web.default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: [], soa: true },
    { name: 'ext.default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: ['example.com'] },
    { name: 'ext.default.svc.cluster.local', type: 'CNAME', rcode: RCODE.NOERROR, want: ['example.com'] },
    { name: 'nope.default.svc.cluster.local', type: 'A', rcode: RCODE.NXDOMAIN, want: [], soa: true },
    { name: 'default.svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: [], soa: true },
    { name: 'nons.svc.cluster.local', type: 'A', rcode: RCODE.NXDOMAIN, want: [], soa: true },
    { name: 'svc.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: [], soa: true },
    { name: 'web.default.svc.cluster.local.default.svc.cluster.local', type: 'A', rcode: RCODE.NXDOMAIN, want: [], soa: true },
    { name: '10-244-3-7.default.pod.cluster.local', type: 'A', rcode: RCODE.NOERROR, want: ['10.244.3.7'] },
    { name: '10-244-3-999.default.pod.cluster.local', type: 'A', rcode: RCODE.NXDOMAIN, want: [], soa: true },
    { name: '50.0.96.10.in-addr.arpa', type: 'PTR', rcode: RCODE.NOERROR, want: ['web.default.svc.cluster.local'] },
    { name: '5.1.244.10.in-addr.arpa', type: 'PTR', rcode: RCODE.NOERROR, want: ['db-0.db.default.svc.cluster.local'] },
    { name: '9.9.244.10.in-addr.arpa', type: 'PTR', rcode: RCODE.NOERROR, want: ['10-244-9-9.default.pod.cluster.local'] },
    { name: 'cluster.local', type: 'NS', rcode: RCODE.NOERROR, want: ['ns.dns.cluster.local'] },
    { name: 'other.unknown.zone', type: 'A', rcode: RCODE.NOERROR, want: [] },
  ];
  for (const c of cases) {
    const r = answer(q(c.name, c.type), state, opts);
    const label = `${c.name} ${c.type}`;
    if (c.name === 'other.unknown.zone') {
      assert.equal(r, undefined, `${label}: not ours, forwarded`);
      continue;
    }
    assert.ok(r, label);
    assert.equal(r.id, 4242, label);
    assert.equal(rcodeOf(r), c.rcode, `${label}: rcode`);
    assert.ok(((r.flags ?? 0) & FLAG_AA) !== 0, `${label}: authoritative`);
    assert.deepEqual(data(r).map((d) => d), c.want, `${label}: answers`);
    assert.equal((r.authorities ?? []).some((a) => a.type === 'SOA'), !!c.soa, `${label}: SOA in authority`);
  }
});

test('SOA at the apex, SRV glue, unknown reverse names forwarded', () => {
  const soa = answer(q('cluster.local', 'SOA'), state, opts)!;
  assert.equal(soa.answers?.[0]?.type, 'SOA');
  const srv = answer(q('_pg._tcp.db.default.svc.cluster.local', 'SRV'), state, opts)!;
  assert.deepEqual(
    (srv.additionals ?? []).map((a) => [a.name, 'data' in a ? a.data : undefined]),
    [
      ['db-0.db.default.svc.cluster.local', '10.244.1.5'],
      ['10-244-1-6.db.default.svc.cluster.local', '10.244.1.6'],
    ],
  );
  assert.equal(answer(q('1.2.3.4.in-addr.arpa', 'PTR'), state, opts), undefined);
  const bad = answer({ id: 1, type: 'query', questions: [] }, state, opts)!;
  assert.equal(rcodeOf(bad), RCODE.FORMERR);
});

test('publishNotReadyAddresses serves not-ready endpoints of a headless service', () => {
  const s = buildClusterState(
    [svc('default', 'db', { clusterIP: 'None', publishNotReadyAddresses: true })],
    [slice('default', 'db', [{ addresses: ['10.244.1.7'], hostname: 'db-2', conditions: { ready: false } }])],
  );
  assert.deepEqual(data(answer(q('db-2.db.default.svc.cluster.local', 'A'), s, opts)), ['10.244.1.7']);
});
