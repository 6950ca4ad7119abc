// Proxy through the real apiserver + etcd: the proxier's informers list+watch the API, iptables
// runs inside a node network namespace; a Service created through the API routes to its pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { RestClientset } from '../../src/client/rest.js';
import { newSharedInformerFactory } from '../../src/client/cache/informer.js';
import { R } from '../../src/client/resources.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { Proxier, cleanupRules } from '../../src/proxy/proxier.js';
import { ExecIptables } from '../../src/proxy/iptables.js';
import { ProcessRunner } from '../../src/proxy/exec.js';
import { ensureSysctls } from '../../src/proxy/sysctl.js';
import { createTopology } from '../helpers/netns.js';
import { startEtcd, startApiServer } from '../helpers/cluster.js';

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a Service created through the API routes over its endpoints', async () => {
  const etcd = await startEtcd();
  const topo = await createTopology({ pods: 3 }).catch(async (err: unknown) => {
    await etcd.stop();
    throw err;
  });
  const runner = new ProcessRunner({ netns: topo.nodeNs });
  const iptables = new ExecIptables(runner);
  const ctl = new AbortController();
  let api: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let running: Promise<void> | undefined;
  try {
    api = await startApiServer({ etcd });
    const cs = new RestClientset({ server: api.url });
    const created = await cs.resource<Service>(R.services).create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    const clusterIP = created.spec.clusterIP;
    assert.ok(clusterIP && clusterIP !== 'None', 'apiserver allocated a cluster IP');
    await cs.resource<EndpointSlice>(R.endpointslices).create('default', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: topo.pods.map((p) => ({ addresses: [p.ip], conditions: { ready: true } })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const factory = newSharedInformerFactory(cs, { logger: silentLogger() });
    await ensureSysctls(runner, silentLogger());
    const proxier = new Proxier({
      services: factory.informerFor<Service>(R.services),
      endpointSlices: factory.informerFor<EndpointSlice>(R.endpointslices),
      iptables,
      node: { name: 'node-a', addresses: [topo.nodeIP] },
      render: { clusterCIDR: '10.244.0.0/16' },
      minSyncPeriodMs: 50,
      syncPeriodMs: 30_000,
      clock: realClock,
      logger: silentLogger(),
    });
    factory.start(ctl.signal);
    running = proxier.start(ctl.signal);
    const seen = new Set<string>();
    await until('all three backends answer through the ClusterIP', async () => {
      const r = await topo.get(topo.clientNs, `http://${clusterIP}/`);
      if (r.ok) seen.add(r.body);
      return seen.size === 3;
    });
    assert.deepEqual([...seen].sort(), ['p1', 'p2', 'p3']);
  } finally {
    ctl.abort();
    await running?.catch(() => undefined);
    await cleanupRules(iptables).catch(() => undefined);
    await api?.stop();
    await topo.destroy();
    await etcd.stop();
  }
});
