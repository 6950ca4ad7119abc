// Proxy e2e as root: real iptables-restore inside a "node" network namespace, backends in pod
// namespaces, a client and an outside host; the proxier runs in this process and drives
// iptables/conntrack/sysctl through `ip netns exec`. The host's tables are never touched.
// The same scenario runs once per iptables backend (nft, legacy).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { Proxier, cleanupRules } from '../../src/proxy/proxier.js';
import { ExecIptables } from '../../src/proxy/iptables.js';
import { ExecConntrack } from '../../src/proxy/conntrack.js';
import { ProcessRunner } from '../../src/proxy/exec.js';
import { backendCommands, type IptablesBackend } from '../../src/proxy/backend.js';
import { ensureSysctls } from '../../src/proxy/sysctl.js';
import { StaticInformer } from '../../src/proxy/testinformer.js';
import { svc, slice } from '../../src/proxy/testfixtures.js';
import { createTopology, nsRun, type Topology } from '../helpers/netns.js';

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function bodies(topo: Topology, ns: string, url: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await topo.get(ns, url);
    out.push(r.ok ? r.body : `ERR${r.code}`);
  }
  return out;
}

for (const backend of ['nft', 'legacy'] as const) {
  test(`proxy in a node namespace (iptables-${backend}): ClusterIP spread, NodePort, endpoint removal, affinity, REJECT, flush+resync, cleanup`, (t) => scenario(t, backend));
}

async function scenario(t: TestContext, backend: IptablesBackend): Promise<void> {
  const topo = await createTopology({ pods: 3 });
  const runner = new ProcessRunner({ netns: topo.nodeNs });
  const iptables = new ExecIptables(runner, backend);
  const other = backendCommands(backend === 'nft' ? 'legacy' : 'nft');
  const ctl = new AbortController();
  let running: Promise<void> | undefined;
  try {
    // 1. Cluster state: web (ClusterIP+NodePort), sticky (ClientIP affinity), empty (no endpoints).
    const podIPs = topo.pods.map((p) => p.ip);
    const web = svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] });
    const sticky = svc('default', 'sticky', { clusterIP: '10.96.0.51', sessionAffinity: 'ClientIP' });
    const empty = svc('default', 'empty', { clusterIP: '10.96.0.52' });
    const services = new StaticInformer<Service>([web, sticky, empty]);
    const slices = new StaticInformer<EndpointSlice>([slice('default', 'web', podIPs), slice('default', 'sticky', podIPs)]);
    await ensureSysctls(runner, silentLogger());
    const proxier = new Proxier({
      services,
      endpointSlices: slices,
      iptables,
      conntrack: new ExecConntrack(runner),
      node: { name: 'node-a', addresses: [topo.nodeIP] },
      render: { clusterCIDR: '10.244.0.0/16' },
      minSyncPeriodMs: 50,
      syncPeriodMs: 1000,
      clock: realClock,
      logger: silentLogger(),
    });
    running = proxier.start(ctl.signal);
    await until('first sync', async () => proxier.health().healthy);

    await t.test(`the rules are in iptables-${backend}'s tables only`, async () => {
      assert.match(await iptables.save('nat'), /KUBE-SERVICES/);
      const elsewhere = await nsRun(topo.nodeNs, other.save, ['-t', 'nat']);
      assert.ok(!elsewhere.stdout.includes('KUBE-'), elsewhere.stdout);
    });

    await t.test('ClusterIP spreads over three backends', async () => {
      const got = await bodies(topo, topo.clientNs, 'http://10.96.0.50/', 30);
      assert.deepEqual([...new Set(got)].sort(), ['p1', 'p2', 'p3'], got.join(','));
    });

    await t.test('NodePort from an outside host', async () => {
      const got = await bodies(topo, topo.outsideNs, `http://${topo.nodeIP}:30080/`, 12);
      for (const b of got) assert.match(b, /^p[123]$/);
    });

    await t.test('a pod reaches the ClusterIP (bridged, pod-to-pod and hairpin)', async () => {
      const got = await bodies(topo, topo.pods[0]!.ns, 'http://10.96.0.50/', 15);
      for (const b of got) assert.match(b, /^p[123]$/);
    });

    await t.test('session affinity pins a client', async () => {
      const got = await bodies(topo, topo.clientNs, 'http://10.96.0.51/', 10);
      assert.equal(new Set(got).size, 1, got.join(','));
      assert.match(got[0]!, /^p[123]$/);
    });

    await t.test('a service without endpoints rejects (connection refused, not a timeout)', async () => {
      const r = await topo.get(topo.clientNs, 'http://10.96.0.52/');
      assert.equal(r.ok, false);
      assert.equal(r.code, 7, `curl exit ${r.code}: ${r.err}`);
    });

    await t.test('removing an endpoint stops traffic to it', async () => {
      slices.set(slice('default', 'web', podIPs.slice(0, 2)));
      // Wait for the kernel itself: health alone can look settled while the sync carrying the
      // change is still running (it clears pendingSince when it starts).
      const gone = `${podIPs[2]}:8080`;
      await until('the endpoint gone from the web service chains', async () => {
        const nat = await iptables.save('nat');
        return !nat.split('\n').some((l) => l.includes('default/web') && l.includes(gone));
      });
      const got = await bodies(topo, topo.clientNs, 'http://10.96.0.50/', 20);
      assert.ok(!got.includes('p3'), got.join(','));
      assert.deepEqual([...new Set(got)].sort(), ['p1', 'p2']);
    });

    await t.test('iptables -t nat -F is repaired by the periodic full resync', async () => {
      // Flush right after a periodic full sync so the check below runs well before the next one.
      const seen = proxier.health().lastFullSync;
      await until('a periodic full sync', async () => (proxier.health().lastFullSync ?? 0) > (seen ?? 0));
      const f = await nsRun(topo.nodeNs, backendCommands(backend).iptables, ['-t', 'nat', '-F']);
      assert.equal(f.code, 0, f.stderr);
      assert.equal((await topo.get(topo.clientNs, 'http://10.96.0.50/')).ok, false);
      await until('service restored', async () => (await topo.get(topo.clientNs, 'http://10.96.0.50/')).ok);
    });

    await t.test('cleanup removes every chain and jump; a restarted proxier restores service', async () => {
      ctl.abort();
      await running;
      running = undefined;
      await cleanupRules(iptables);
      const saved = (await iptables.save('nat')) + (await iptables.save('filter'));
      assert.ok(!saved.includes('KUBE-'), saved);
      assert.equal((await topo.get(topo.clientNs, 'http://10.96.0.50/')).ok, false);
      const again = new Proxier({
        services,
        endpointSlices: slices,
        iptables,
        node: { name: 'node-a', addresses: [topo.nodeIP] },
        render: { clusterCIDR: '10.244.0.0/16' },
        minSyncPeriodMs: 50,
        syncPeriodMs: 60_000,
        clock: realClock,
        logger: silentLogger(),
      });
      await again.syncOnce(true);
      const got = await bodies(topo, topo.clientNs, 'http://10.96.0.50/', 3);
      for (const b of got) assert.match(b, /^p[12]$/);
      await cleanupRules(iptables);
    });
  } finally {
    ctl.abort();
    await running?.catch(() => undefined);
    await cleanupRules(iptables).catch(() => undefined);
    await topo.destroy();
  }
}
