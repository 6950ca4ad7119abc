// DNS through the real apiserver + etcd: informers feed the server; names follow API changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet } from 'dns-packet';
import type { Service, Pod } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { RestClientset } from '../../src/client/rest.js';
import { newSharedInformerFactory } from '../../src/client/cache/informer.js';
import { R } from '../../src/client/resources.js';
import { DnsServer } from '../../src/dns/server.js';
import { InformerClusterState } from '../../src/dns/informerstate.js';
import { queryUDP } from '../../src/dns/forwarder.js';
import { rcodeOf, RCODE } from '../../src/dns/answer.js';
import { silentLogger } from '../../src/util/logger.js';
import { startEtcd, startApiServer } from '../helpers/cluster.js';

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('cluster DNS answers from the apiserver and follows changes', async () => {
  const etcd = await startEtcd();
  const ctl = new AbortController();
  let api: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let dns: DnsServer | undefined;
  try {
    api = await startApiServer({ etcd });
    const cs = new RestClientset({ server: api.url });
    const factory = newSharedInformerFactory(cs, { logger: silentLogger() });
    const state = new InformerClusterState({
      services: factory.informerFor<Service>(R.services),
      endpointSlices: factory.informerFor<EndpointSlice>(R.endpointslices),
      pods: factory.informerFor<Pod>(R.pods),
    });
    factory.start(ctl.signal);
    await factory.waitForSync(ctl.signal);
    dns = new DnsServer({ listen: '127.0.0.1:0', answer: { domain: 'cluster.local' }, state, logger: silentLogger() });
    const addr = await dns.start();
    let id = 1;
    const ask = (name: string): Promise<Packet> => queryUDP(addr, { id: id++, type: 'query', flags: 1 << 8, questions: [{ name, type: 'A', class: 'IN' }] }, 2000);
    const ips = (p: Packet) => (p.answers ?? []).filter((a) => a.type === 'A').map((a) => ('data' in a ? a.data : ''));

    // 1. A headless service with endpoints.
    await cs.resource<Service>(R.services).create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', namespace: 'default' },
      spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] },
    });
    await cs.resource<EndpointSlice>(R.endpointslices).create('default', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } }],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    });
    const a = await until('db answer', async () => {
      const r = await ask('db.default.svc.cluster.local');
      return ips(r).length > 0 ? r : undefined;
    });
    assert.deepEqual(ips(a), ['10.244.1.5']);
    assert.deepEqual(ips(await ask('db-0.db.default.svc.cluster.local')), ['10.244.1.5']);

    // 2. Deleting the service makes the name NXDOMAIN.
    await cs.resource<Service>(R.services).delete('default', 'db');
    await until('NXDOMAIN after delete', async () => rcodeOf(await ask('db.default.svc.cluster.local')) === RCODE.NXDOMAIN);
  } finally {
    ctl.abort();
    await dns?.stop();
    await api?.stop();
    await etcd.stop();
  }
});
