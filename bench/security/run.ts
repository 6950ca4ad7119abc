// Security overhead benchmark (prints figures; not a test). One apiserver process serves both
// the insecure loopback port (no TLS, no authn, no authz) and the secure port (TLS 1.3, bearer
// token authentication, Node+RBAC through a RoleBinding, then the same admission chain), over
// one real etcd. GET and create latencies are measured on both paths in interleaved rounds.
// Run: npm run build && node --import tsx bench/security/run.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RestClientset } from '../../src/client/rest.js';
import { ensurePki } from '../../src/pki/store.js';
import { startEtcd } from '../../test/helpers/cluster.js';
import { freePort } from '../../test/helpers/ports.js';
import { startApiServerProcess } from '../../test/helpers/processes.js';
import { fmt, report, summarize } from '../lib.js';

const ROUNDS = 10;
const GETS_PER_ROUND = 300;
const CREATES_PER_ROUND = 100;

async function timed(fn: () => Promise<{ status: number }>, want: number, into: number[]): Promise<void> {
  const t = performance.now();
  const r = await fn();
  into.push(performance.now() - t);
  if (r.status !== want) throw new Error(`unexpected status ${r.status}`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-bench-sec-'));
  const pki = await ensurePki(path.join(dir, 'pki'), { nodeName: 'bench', nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
  fs.writeFileSync(path.join(dir, 'tokens.csv'), 'bench-token,bench-user,uid-bench\n');
  const etcd = await startEtcd();
  const securePort = await freePort();
  const api = await startApiServerProcess(etcd.endpoint, [
    '--secure-port', String(securePort), '--bind-address', '127.0.0.1',
    '--tls-cert-file', pki.certs.apiserver!.cert, '--tls-private-key-file', pki.certs.apiserver!.key,
    '--client-ca-file', pki.ca.cert, '--token-auth-file', path.join(dir, 'tokens.csv'),
  ]);
  const insecure = new RestClientset({ server: api.url, maxRetries: 0 });
  const secure = new RestClientset({ server: `https://127.0.0.1:${securePort}`, caData: fs.readFileSync(pki.ca.cert), token: 'bench-token', maxRetries: 0 });
  try {
    // setup (as admin on the insecure port): a namespace and an `edit` RoleBinding for the bench user
    await insecure.raw('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    await insecure.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'bench-edit' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bench-user' }],
    });
    await insecure.raw('POST', '/api/v1/namespaces/bench/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: { k: 'v' } });
    for (let i = 0; ; i++) {
      if ((await secure.raw('GET', '/api/v1/namespaces/bench/configmaps/target')).status === 200) break;
      if (i > 300) throw new Error('the RoleBinding never took effect');
      await new Promise((r) => setTimeout(r, 100));
    }
    const lat = { get: { insecure: [] as number[], secure: [] as number[] }, create: { insecure: [] as number[], secure: [] as number[] } };
    // warm-up (JIT, connection pools, TLS session)
    for (let i = 0; i < 100; i++) for (const c of [insecure, secure]) await c.raw('GET', '/api/v1/namespaces/bench/configmaps/target');
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, c] of [['insecure', insecure], ['secure', secure]] as const) {
        for (let i = 0; i < GETS_PER_ROUND; i++) await timed(() => c.raw('GET', '/api/v1/namespaces/bench/configmaps/target'), 200, lat.get[name]);
        for (let i = 0; i < CREATES_PER_ROUND; i++) {
          await timed(() => c.raw('POST', '/api/v1/namespaces/bench/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n++}` }, data: { k: 'v' } }), 201, lat.create[name]);
        }
      }
    }
    process.stdout.write(`security overhead, ${ROUNDS} interleaved rounds, sequential requests (keep-alive), apiserver in its own process\n`);
    for (const verb of ['get', 'create'] as const) {
      const a = summarize(lat[verb].insecure);
      const b = summarize(lat[verb].secure);
      report(`${verb.toUpperCase()} insecure loopback p50 / p99 (ms, n=${a.n})`, `${fmt(a.p50, 2)} / ${fmt(a.p99, 2)}`);
      report(`${verb.toUpperCase()} TLS+token+RBAC+admission p50 / p99 (ms)`, `${fmt(b.p50, 2)} / ${fmt(b.p99, 2)}`);
      report(`${verb.toUpperCase()} overhead p50 / p99 (ms)`, `${fmt(b.p50 - a.p50, 2)} / ${fmt(b.p99 - a.p99, 2)}`, 'p99 overhead <= 2 ms');
    }
  } finally {
    insecure.close();
    secure.close();
    await api.stop();
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
