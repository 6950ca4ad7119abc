import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, probability, RenderCache, type RenderOptions } from './render.js';
import { trace, spread, type Packet } from './tracer.js';
import { sepChain } from './chainnames.js';
import { svc, slice } from './testfixtures.js';

const node = { name: 'node-a', addresses: ['192.168.1.10'] };
const env = { localAddresses: ['192.168.1.10'] };
const opts: RenderOptions = { clusterCIDR: '10.244.0.0/16' };
const outside = (dst: string, dport: number): Packet => ({ src: '192.168.1.99', dst, dport, proto: 'tcp' });
const fromPod = (src: string, dst: string, dport: number): Packet => ({ src, dst, dport, proto: 'tcp' });
const third = Math.round((1 / 3) * 1e6) / 1e6;

test('probability is formatted as upstream', () => {
  assert.equal(probability(3), '0.3333333333');
  assert.equal(probability(2), '0.5000000000');
});

test('ClusterIP, NodePort, externalIP and no-endpoint cases (table)', () => {
  const three = slice('default', 'web', ['10.244.1.11', '10.244.1.12', '10.244.2.13']);
  const cases: {
    name: string;
    services: ReturnType<typeof svc>[];
    slices: ReturnType<typeof slice>[];
    pkt: Packet;
    want: Record<string, number>;
    masq?: boolean;
  }[] = [
    {
      name: 'ClusterIP spreads evenly over three endpoints, pod source not masqueraded',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50' })],
      slices: [three],
      pkt: fromPod('10.244.3.5', '10.96.0.50', 80),
      want: { '10.244.1.11:8080': third, '10.244.1.12:8080': third, '10.244.2.13:8080': third },
      masq: false,
    },
    {
      name: 'ClusterIP from off-cluster source is masqueraded',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50' })],
      slices: [three],
      pkt: outside('10.96.0.50', 80),
      want: { '10.244.1.11:8080': third, '10.244.1.12:8080': third, '10.244.2.13:8080': third },
      masq: true,
    },
    {
      name: 'wrong port is not captured',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50' })],
      slices: [three],
      pkt: fromPod('10.244.3.5', '10.96.0.50', 81),
      want: { '10.96.0.50:81': 1 },
    },
    {
      name: 'NodePort on a node address from outside, masqueraded',
      services: [svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] })],
      slices: [three],
      pkt: outside('192.168.1.10', 30080),
      want: { '10.244.1.11:8080': third, '10.244.1.12:8080': third, '10.244.2.13:8080': third },
      masq: true,
    },
    {
      name: 'NodePort port on a non-local address is not captured',
      services: [svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] })],
      slices: [three],
      pkt: outside('192.168.1.77', 30080),
      want: { '192.168.1.77:30080': 1 },
    },
    {
      name: 'externalIP goes through the EXT chain',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50', externalIPs: ['203.0.113.7'] })],
      slices: [slice('default', 'web', ['10.244.1.11'])],
      pkt: outside('203.0.113.7', 80),
      want: { '10.244.1.11:8080': 1 },
      masq: true,
    },
    {
      name: 'no endpoints: ClusterIP is rejected, not black-holed',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50' })],
      slices: [],
      pkt: fromPod('10.244.3.5', '10.96.0.50', 80),
      want: { REJECT: 1 },
    },
    {
      name: 'no endpoints: NodePort is rejected',
      services: [svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] })],
      slices: [slice('default', 'web', [{ ip: '10.244.1.11', conditions: { ready: false } }])],
      pkt: outside('192.168.1.10', 30080),
      want: { REJECT: 1 },
    },
    {
      name: 'headless service has no rules',
      services: [svc('default', 'web', { clusterIP: 'None' })],
      slices: [three],
      pkt: fromPod('10.244.3.5', '10.244.1.11', 8080),
      want: { '10.244.1.11:8080': 1 },
    },
    {
      name: 'terminating: serving+terminating used only when nothing is ready; non-serving never',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50' })],
      slices: [
        slice('default', 'web', [
          { ip: '10.244.1.11', conditions: { ready: false, serving: true, terminating: true } },
          { ip: '10.244.1.12', conditions: { ready: false, serving: false, terminating: true } },
        ]),
      ],
      pkt: fromPod('10.244.3.5', '10.96.0.50', 80),
      want: { '10.244.1.11:8080': 1 },
    },
    {
      name: 'terminating endpoints are ignored while a ready one exists',
      services: [svc('default', 'web', { clusterIP: '10.96.0.50' })],
      slices: [
        slice('default', 'web', [
          { ip: '10.244.1.11', conditions: { ready: false, serving: true, terminating: true } },
          { ip: '10.244.1.12', conditions: { ready: true } },
        ]),
      ],
      pkt: fromPod('10.244.3.5', '10.96.0.50', 80),
      want: { '10.244.1.12:8080': 1 },
    },
    {
      name: 'UDP port matched by protocol',
      services: [svc('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })],
      slices: [slice('kube-system', 'kube-dns', ['10.244.1.2'], [{ name: 'dns', port: 53, protocol: 'UDP' }])],
      pkt: { src: '10.244.3.5', dst: '10.96.0.10', dport: 53, proto: 'udp' },
      want: { '10.244.1.2:53': 1 },
    },
  ];
  for (const c of cases) {
    const rs = render(c.services, c.slices, node, opts);
    const outs = trace(rs, c.pkt, env);
    assert.deepEqual(Object.fromEntries(spread(outs)), c.want, c.name);
    if (c.masq !== undefined) for (const o of outs) assert.equal(o.masquerade, c.masq, `${c.name}: masquerade`);
  }
});

test('ExternalName and SCTP (unsupported) services get no rules', () => {
  const rs = render(
    [
      svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
      svc('default', 'sc', { clusterIP: '10.96.0.9', ports: [{ name: 's', port: 9, protocol: 'SCTP' }] }),
    ],
    [slice('default', 'sc', ['10.244.1.2'], [{ name: 's', port: 9, protocol: 'SCTP' }])],
    node,
    opts,
  );
  assert.equal(rs.servicePorts.length, 0);
  assert.ok(!rs.nat.some((c) => c.name.startsWith('KUBE-SVC-')));
  const withSctp = render(
    [svc('default', 'sc', { clusterIP: '10.96.0.9', ports: [{ name: 's', port: 9, protocol: 'SCTP' }] })],
    [slice('default', 'sc', ['10.244.1.2'], [{ name: 's', port: 9, protocol: 'SCTP' }])],
    node,
    { ...opts, sctpSupported: true },
  );
  const outs = trace(withSctp, { src: '10.244.3.5', dst: '10.96.0.9', dport: 9, proto: 'sctp' }, env);
  assert.deepEqual(Object.fromEntries(spread(outs)), { '10.244.1.2:9': 1 });
});

test('session affinity: first packet records the endpoint, later packets are pinned to it', () => {
  const services = [svc('default', 'web', { clusterIP: '10.96.0.50', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } })];
  const slices = [slice('default', 'web', ['10.244.1.11', '10.244.1.12', '10.244.1.13'])];
  const rs = render(services, slices, node, opts);
  const svcRules = rs.nat.find((c) => c.name.startsWith('KUBE-SVC-'))!.rules;
  assert.ok(svcRules.some((r) => r.includes('--rcheck --seconds 600 --reap')));
  const pkt = fromPod('10.244.3.5', '10.96.0.50', 80);
  // 1. First packet: each outcome records the chosen SEP in its recent list.
  for (const o of trace(rs, pkt, env)) {
    const ep = o.dst;
    assert.deepEqual(o.recentSet, [sepChain('default/web:http', 'tcp', ep)]);
  }
  // 2. With the client recorded for .12, every path goes to .12.
  const recent = new Map([[sepChain('default/web:http', 'tcp', '10.244.1.12:8080'), new Set(['10.244.3.5'])]]);
  assert.deepEqual(Object.fromEntries(spread(trace(rs, pkt, { ...env, recent }))), { '10.244.1.12:8080': 1 });
  // 3. Another client is not pinned.
  assert.equal(spread(trace(rs, { ...pkt, src: '10.244.3.6' }, { ...env, recent })).size, 3);
});

test('hairpin: an endpoint reaching its own service is masqueraded only on the path back to itself', () => {
  const rs = render([svc('default', 'web', { clusterIP: '10.96.0.50' })], [slice('default', 'web', ['10.244.1.11', '10.244.1.12'])], node, opts);
  const outs = trace(rs, fromPod('10.244.1.11', '10.96.0.50', 80), env);
  assert.equal(outs.length, 2);
  for (const o of outs) assert.equal(o.masquerade, o.dst === '10.244.1.11:8080', o.dst);
});

test('externalTrafficPolicy Local: NodePort only to local endpoints, source kept; DROP without local endpoints', () => {
  const spec = { type: 'NodePort' as const, clusterIP: '10.96.0.50', externalTrafficPolicy: 'Local' as const, ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' as const }] };
  const mixed = slice('default', 'web', [{ ip: '10.244.1.11', node: 'node-a' }, { ip: '10.244.2.12', node: 'node-b' }]);
  const rs = render([svc('default', 'web', spec)], [mixed], node, opts);
  const outs = trace(rs, outside('192.168.1.10', 30080), env);
  assert.deepEqual(Object.fromEntries(spread(outs)), { '10.244.1.11:8080': 1 });
  assert.equal(outs[0]!.masquerade, false, 'client source preserved');
  // Locally originated traffic to the NodePort may use any endpoint and is masqueraded.
  const fromNode = trace(rs, { src: '192.168.1.10', dst: '192.168.1.10', dport: 30080, proto: 'tcp', local: true }, env);
  assert.deepEqual(Object.fromEntries(spread(fromNode)), { '10.244.1.11:8080': 0.5, '10.244.2.12:8080': 0.5 });
  for (const o of fromNode) assert.equal(o.masquerade, true);
  // Pods reaching the NodePort get cluster-wide endpoints.
  assert.equal(spread(trace(rs, fromPod('10.244.3.5', '192.168.1.10', 30080), env)).size, 2);
  // ClusterIP still uses all endpoints.
  assert.equal(spread(trace(rs, fromPod('10.244.3.5', '10.96.0.50', 80), env)).size, 2);
  // No local endpoint: external traffic dropped (not rejected: endpoints exist elsewhere).
  const remote = slice('default', 'web', [{ ip: '10.244.2.12', node: 'node-b' }]);
  const rs2 = render([svc('default', 'web', spec)], [remote], node, opts);
  assert.deepEqual(Object.fromEntries(spread(trace(rs2, outside('192.168.1.10', 30080), env))), { DROP: 1 });
});

test('internalTrafficPolicy Local: ClusterIP only to endpoints on this node; DROP without', () => {
  const spec = { clusterIP: '10.96.0.50', internalTrafficPolicy: 'Local' as const };
  const mixed = slice('default', 'web', [{ ip: '10.244.1.11', node: 'node-a' }, { ip: '10.244.2.12', node: 'node-b' }]);
  const rs = render([svc('default', 'web', spec)], [mixed], node, opts);
  assert.deepEqual(Object.fromEntries(spread(trace(rs, fromPod('10.244.1.5', '10.96.0.50', 80), env))), { '10.244.1.11:8080': 1 });
  assert.ok(rs.nat.some((c) => c.name.startsWith('KUBE-SVL-')));
  const rs2 = render([svc('default', 'web', spec)], [slice('default', 'web', [{ ip: '10.244.2.12', node: 'node-b' }])], node, opts);
  assert.deepEqual(Object.fromEntries(spread(trace(rs2, fromPod('10.244.1.5', '10.96.0.50', 80), env))), { DROP: 1 });
});

test('--nodeport-addresses limits NodePorts to matching node addresses', () => {
  const n2 = { name: 'node-a', addresses: ['192.168.1.10', '172.16.0.10'] };
  const env2 = { localAddresses: n2.addresses };
  const services = [svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] })];
  const rs = render(services, [slice('default', 'web', ['10.244.1.11'])], n2, { ...opts, nodePortAddresses: ['172.16.0.0/12'] });
  assert.deepEqual(Object.fromEntries(spread(trace(rs, outside('172.16.0.10', 30080), env2))), { '10.244.1.11:8080': 1 });
  assert.deepEqual(Object.fromEntries(spread(trace(rs, outside('192.168.1.10', 30080), env2))), { '192.168.1.10:30080': 1 });
});

test('rendering is deterministic and has the upstream fixed chains and jumps', () => {
  const services = [svc('b', 'x', { clusterIP: '10.96.0.2' }), svc('a', 'y', { clusterIP: '10.96.0.1' })];
  const slices = [slice('a', 'y', ['10.244.0.2', '10.244.0.1']), slice('b', 'x', ['10.244.0.3'])];
  const a = render(services, slices, node, opts);
  const b = render([...services].reverse(), [...slices].reverse(), node, opts);
  assert.deepEqual(a.nat, b.nat);
  assert.deepEqual(a.nat.slice(0, 4).map((c) => c.name), ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']);
  assert.deepEqual(a.filter.map((c) => c.name), ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']);
  const kubeServices = a.nat[0]!.rules;
  assert.match(kubeServices.at(-1)!, /--dst-type LOCAL -j KUBE-NODEPORTS$/);
  assert.ok(a.jumps.some((j) => j.table === 'nat' && j.chain === 'PREROUTING' && j.target === 'KUBE-SERVICES'));
  assert.ok(a.jumps.some((j) => j.table === 'nat' && j.chain === 'POSTROUTING' && j.target === 'KUBE-POSTROUTING'));
  const svcRules = a.nat.find((c) => c.rules.some((r) => r.includes('--probability')))!.rules;
  assert.ok(svcRules.some((r) => r.includes('-m statistic --mode random --probability 0.5000000000')));
  assert.ok(a.ruleCount > 10);
});

test('a render cache gives the same rules as a fresh render across changes', () => {
  const cache = new RenderCache();
  const states = [
    [['10.244.1.11', '10.244.1.12'], ['10.244.2.1']],
    [['10.244.1.11'], ['10.244.2.1']],
    [['10.244.1.11'], []],
    [['10.244.1.11', '10.244.1.13'], ['10.244.2.1', '10.244.2.2']],
  ];
  for (const [a, b] of states) {
    const services = [svc('default', 'a', { clusterIP: '10.96.0.1' }), svc('default', 'b', { clusterIP: '10.96.0.2', sessionAffinity: 'ClientIP' })];
    const slices = [slice('default', 'a', a!), slice('default', 'b', b!)];
    const cached = render(services, slices, node, opts, cache);
    const fresh = render(services, slices, node, opts);
    assert.deepEqual(cached.nat, fresh.nat);
    assert.deepEqual(cached.filter, fresh.filter);
  }
});
