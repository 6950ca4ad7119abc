import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import { realClock, FakeClock, type Clock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';
import { Proxier, cleanupRules } from './proxier.js';
import { FakeIptables } from './iptables-fake.js';
import { FakeConntrack } from './conntrack.js';
import { StaticInformer } from './testinformer.js';
import { svc, slice } from './testfixtures.js';
import { trace, spread } from './tracer.js';
import { newProxyMetrics } from './metrics.js';

const node = { name: 'node-a', addresses: ['192.168.1.10'] };
const env = { localAddresses: node.addresses };

function setup(services: Service[], slices: EndpointSlice[], clock: Clock = new FakeClock(1_000_000)) {
  const ipt = new FakeIptables();
  const conntrack = new FakeConntrack();
  const si = new StaticInformer<Service>(services);
  const ei = new StaticInformer<EndpointSlice>(slices);
  const metrics = newProxyMetrics();
  const proxier = new Proxier({
    services: si,
    endpointSlices: ei,
    iptables: ipt,
    conntrack,
    node,
    render: { clusterCIDR: '10.244.0.0/16' },
    minSyncPeriodMs: 10,
    syncPeriodMs: 60_000,
    clock,
    logger: silentLogger(),
    metrics,
  });
  return { ipt, conntrack, si, ei, proxier, metrics, clock };
}

/** Tracer view of what the fake kernel holds. */
function kernel(ipt: FakeIptables) {
  const rules = new Map<string, Map<string, string[][]>>();
  for (const t of ['nat', 'filter'] as const) rules.set(t, new Map([...ipt.tables.get(t)!.keys()].map((c) => [c, ipt.chain(t, c)!])));
  return rules;
}

const webSvc = svc('default', 'web', { clusterIP: '10.96.0.50' });
const pkt = { src: '10.244.3.5', dst: '10.96.0.50', dport: 80, proto: 'tcp' as const };

test('full sync programs the kernel; partial sync rewrites only changed chains and converges', async () => {
  const other = svc('default', 'other', { clusterIP: '10.96.0.60' });
  const { ipt, ei, proxier } = setup([webSvc, other], [slice('default', 'web', ['10.244.1.11', '10.244.1.12']), slice('default', 'other', ['10.244.1.20'])]);
  const r1 = await proxier.syncOnce(false);
  assert.equal(r1.full, true, 'first sync is full');
  assert.deepEqual(Object.fromEntries(spread(trace(kernel(ipt), pkt, env))), { '10.244.1.11:8080': 0.5, '10.244.1.12:8080': 0.5 });
  // 1. Remove one endpoint of web.
  ei.set(slice('default', 'web', ['10.244.1.11']));
  const r2 = await proxier.syncOnce(false);
  assert.equal(r2.full, false);
  const tx = ipt.restores.at(-1)!;
  assert.ok(!tx.includes('10.244.1.20'), 'the unchanged service is not rewritten');
  assert.ok(!tx.includes(':KUBE-SERVICES'), 'KUBE-SERVICES unchanged, not rewritten');
  assert.match(tx, /-X KUBE-SEP-/);
  assert.equal(r2.deleted, 1);
  assert.deepEqual(Object.fromEntries(spread(trace(kernel(ipt), pkt, env))), { '10.244.1.11:8080': 1 });
  // 2. The kernel now equals a fresh full sync of the same state.
  const fresh = setup([webSvc, other], [slice('default', 'web', ['10.244.1.11']), slice('default', 'other', ['10.244.1.20'])]);
  await fresh.proxier.syncOnce(true);
  assert.equal(await ipt.save('nat'), await fresh.ipt.save('nat'));
  assert.equal(await ipt.save('filter'), await fresh.ipt.save('filter'));
  // 3. Nothing changed: no transaction.
  assert.equal((await proxier.syncOnce(false)).skipped, true);
});

test('full sync keeps foreign rules, adds jumps once, deletes stale chains; cleanup removes only ours', async () => {
  const { ipt, ei, proxier } = setup([webSvc], [slice('default', 'web', ['10.244.1.11'])]);
  await ipt.restore('*nat\n:FOREIGN - [0:0]\n-A FOREIGN -j RETURN\n-A PREROUTING -j FOREIGN\n:KUBE-SEP-STALEFROMBEFORE - [0:0]\nCOMMIT\n');
  await proxier.syncOnce(true);
  await proxier.syncOnce(true);
  const nat = await ipt.save('nat');
  assert.equal(nat.match(/-A PREROUTING .*KUBE-SERVICES/g)?.length, 1, 'jump present exactly once');
  assert.match(nat, /-A PREROUTING -j FOREIGN/);
  assert.ok(!nat.includes('KUBE-SEP-STALEFROMBEFORE'));
  ei.remove(slice('default', 'web', []));
  await proxier.syncOnce(false);
  assert.deepEqual(Object.fromEntries(spread(trace(kernel(ipt), pkt, env))), { REJECT: 1 });
  await cleanupRules(ipt);
  const after = (await ipt.save('nat')) + (await ipt.save('filter'));
  assert.ok(!after.includes('KUBE-'), after);
  assert.match(after, /-A PREROUTING -j FOREIGN/);
  assert.match(after, /:FOREIGN/);
});

test('a flushed nat table is restored by the next full sync', async () => {
  const { ipt, proxier } = setup([webSvc], [slice('default', 'web', ['10.244.1.11'])]);
  await proxier.syncOnce(true);
  assert.deepEqual(ipt.chainReads, [], 'the first full sync reads whole tables');
  await ipt.restore('*nat\n-F PREROUTING\n-F OUTPUT\n-F POSTROUTING\n-F KUBE-SERVICES\nCOMMIT\n');
  assert.deepEqual(Object.fromEntries(spread(trace(kernel(ipt), pkt, env))), { '10.96.0.50:80': 1 });
  await proxier.syncOnce(true);
  assert.deepEqual(ipt.chainReads, [['OUTPUT', 'PREROUTING', 'POSTROUTING'], ['INPUT', 'FORWARD', 'OUTPUT']], 'a resync reads only the built-in chains with our jumps');
  assert.deepEqual(Object.fromEntries(spread(trace(kernel(ipt), pkt, env))), { '10.244.1.11:8080': 1 });
});

test('a failed restore makes the proxier unhealthy and the next sync full', async () => {
  const { ipt, ei, proxier, metrics } = setup([webSvc], [slice('default', 'web', ['10.244.1.11'])]);
  await proxier.syncOnce(true);
  assert.equal(proxier.health().healthy, true);
  ei.set(slice('default', 'web', ['10.244.1.12']));
  ipt.failNext = 'iptables-restore: line 3 failed';
  await assert.rejects(proxier.syncOnce(false), /line 3 failed/);
  assert.equal(proxier.health().healthy, false);
  assert.match(proxier.health().lastError!, /line 3/);
  const r = await proxier.syncOnce(false);
  assert.equal(r.full, true);
  assert.equal(proxier.health().healthy, true);
  assert.match(await metrics.registry.metrics(), /kubeproxy_sync_proxy_rules_iptables_restore_failures_total 1/);
});

test('stale UDP flows are deleted when endpoints go away or a service gains its first endpoint', async () => {
  const dns = svc('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
  const ports = [{ name: 'dns', port: 53, protocol: 'UDP' as const }];
  const { ei, proxier, conntrack } = setup([dns], []);
  await proxier.syncOnce(true);
  ei.set(slice('kube-system', 'kube-dns', ['10.244.1.2', '10.244.1.3'], ports));
  await proxier.syncOnce(false);
  assert.deepEqual(conntrack.deleted, [{ origDst: '10.96.0.10', port: 53 }]);
  ei.set(slice('kube-system', 'kube-dns', ['10.244.1.3'], ports));
  await proxier.syncOnce(false);
  assert.deepEqual(conntrack.deleted.at(-1), { origDst: '10.96.0.10', dstNat: '10.244.1.2' });
});

test('the run loop syncs after changes and reports metrics', async () => {
  const { ipt, ei, proxier, metrics } = setup([webSvc], [], realClock);
  const ctl = new AbortController();
  const done = proxier.start(ctl.signal);
  try {
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise((r) => setTimeout(r, 5));
    };
    await until(() => proxier.health().healthy);
    assert.deepEqual(Object.fromEntries(spread(trace(kernel(ipt), pkt, env))), { REJECT: 1 });
    ei.set({ ...slice('default', 'web', ['10.244.1.11']), metadata: { ...slice('default', 'web', []).metadata, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString() } } });
    await until(() => spread(trace(kernel(ipt), pkt, env)).has('10.244.1.11:8080'));
    const text = await metrics.registry.metrics();
    assert.match(text, /kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]/);
    assert.match(text, /kubeproxy_network_programming_duration_seconds_count [1-9]/);
    assert.match(text, /kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} [1-9]/);
  } finally {
    ctl.abort();
    await done;
  }
});
