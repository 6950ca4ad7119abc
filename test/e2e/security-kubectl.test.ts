// The real kubectl against the secure apiserver (TLS etcd, client certs, tokens, RBAC), and a
// kubelet serving HTTPS that refuses anonymous callers and asks the apiserver about the rest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RestClientset } from '../../src/client/rest.js';
import { FakeRuntimeService } from '../../src/kubelet/cri/fake-runtime.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { issueCert, type KeyPair } from '../../src/pki/issue.js';
import { ensurePki, type PkiResult } from '../../src/pki/store.js';
import { writeKubeconfigFile } from '../../src/up/kubeconfig.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { etcdTlsOf, secureApiOptionsOf, startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { Kubectl } from '../helpers/kubectl.js';

const read = (f: string) => fs.readFileSync(f);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function eventually(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('kubectl and kubelet over TLS', () => {
  let dir: string;
  let pki: PkiResult;
  let etcd: EtcdFixture;
  let api: ApiServerFixture;
  let admin: Kubectl;
  let alice: Kubectl;
  let kubelet: Kubelet | undefined;
  const stop = new AbortController();
  let kubeletDone: Promise<void> | undefined;
  const clients: RestClientset[] = [];
  const pair = (name: string): KeyPair => ({ certPem: read(pki.certs[name]!.cert).toString(), keyPem: read(pki.certs[name]!.key).toString() });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-sec-e2e-'));
    pki = await ensurePki(path.join(dir, 'pki'), { nodeName: 'sec-node', nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
    fs.writeFileSync(path.join(dir, 'tokens.csv'), 'alice-token,alice,uid-alice\n');
    etcd = await startEtcd({ tls: etcdTlsOf(pki) });
    api = await startApiServer({
      etcd,
      kubeletTls: { ca: read(pki.ca.cert), cert: read(pki.certs['apiserver-kubelet-client']!.cert), key: read(pki.certs['apiserver-kubelet-client']!.key) },
      ...secureApiOptionsOf(pki, { tokenAuthFile: path.join(dir, 'tokens.csv') }),
    });
    const ca = b64(read(pki.ca.cert));
    writeKubeconfigFile(path.join(dir, 'admin.conf'), { server: api.url, caData: ca, certData: b64(pair('admin').certPem), keyData: b64(pair('admin').keyPem) });
    writeKubeconfigFile(path.join(dir, 'alice.conf'), { server: api.url, caData: ca, token: 'alice-token' });
    admin = new Kubectl(path.join(dir, 'admin.conf'));
    alice = new Kubectl(path.join(dir, 'alice.conf'));
  });

  after(async () => {
    stop.abort();
    await kubeletDone?.catch(() => {});
    for (const c of clients) c.close();
    await api?.stop();
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl with embedded certificates; whoami; can-i follows RBAC', async () => {
    assert.match(await admin.ok(['get', 'namespaces']), /kube-system/);
    const who = JSON.parse(await admin.ok(['auth', 'whoami', '-o', 'json']));
    assert.equal(who.status.userInfo.username, 'kubernetes-admin');
    assert.deepEqual(who.status.userInfo.groups, ['system:masters', 'system:authenticated']);
    assert.match(await alice.ok(['auth', 'whoami']), /alice/);
    const denied = await alice.run(['get', 'pods', '-n', 'default']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
    const no = await alice.run(['auth', 'can-i', 'list', 'pods', '-n', 'default']);
    assert.equal(no.stdout.trim(), 'no');
    assert.equal(no.code, 1);
    assert.equal((await admin.run(['auth', 'can-i', 'list', 'pods', '--as', 'alice', '-n', 'default'])).stdout.trim(), 'no');
    // typed `kubectl create rolebinding` sends protobuf; apply sends JSON
    await admin.ok(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-view', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    }));
    await eventually('alice can list pods', async () => (await alice.run(['auth', 'can-i', 'list', 'pods', '-n', 'default'])).stdout.trim() === 'yes');
    assert.equal((await admin.run(['auth', 'can-i', 'list', 'pods', '--as', 'alice', '-n', 'default'])).stdout.trim(), 'yes');
    assert.equal((await alice.run(['auth', 'can-i', 'delete', 'pods', '-n', 'default'])).stdout.trim(), 'no');
    assert.equal((await alice.run(['auth', 'can-i', 'list', 'pods', '-n', 'kube-system'])).stdout.trim(), 'no');
    const list = await alice.ok(['auth', 'can-i', '--list', '-n', 'default']);
    assert.match(list, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]/m);
    assert.match(list, /selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    assert.match(await alice.ok(['get', 'pods', '-n', 'default']), /^$|No resources/);
  });

  test('kubelet serves HTTPS only to authenticated, authorized callers', async () => {
    const ca = { certPem: read(pki.ca.cert).toString(), keyPem: read(pki.ca.key).toString() };
    const nodeClient = new RestClientset({ server: api.url, caData: ca.certPem, certData: pair('kubelet-client').certPem, keyData: pair('kubelet-client').keyPem, userAgent: 'kubelet/sec-node' });
    clients.push(nodeClient);
    const fake = new FakeRuntimeService();
    kubelet = new Kubelet({
      clientset: nodeClient, runtime: fake, images: fake, nodeName: 'sec-node', rootDir: path.join(dir, 'kubelet'), port: 0, address: '127.0.0.1',
      clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', clock: realClock, logger: silentLogger(),
      tls: { cert: read(pki.certs.kubelet!.cert), key: read(pki.certs.kubelet!.key), clientCA: read(pki.ca.cert) },
    });
    kubeletDone = kubelet.start(stop.signal);
    await eventually('kubelet registered its node', async () => (await admin.run(['get', 'node', 'sec-node'])).code === 0);
    await eventually('kubelet listening', async () => kubelet!.port > 0);
    const get = (p: string, cert?: KeyPair) => new Promise<{ code: number; body: string }>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: kubelet!.port, path: p, ca: ca.certPem, cert: cert?.certPem, key: cert?.keyPem }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.equal((await get('/pods')).code, 401);
    const nobody = await issueCert(ca, { commonName: 'nobody', usages: ['client'] });
    const forbidden = await get('/pods', nobody);
    assert.equal(forbidden.code, 403);
    assert.match(forbidden.body, /user=nobody, verb=get, resource=nodes, subresource\(s\)=\[proxy\]/);
    const ok = await get('/pods', pair('apiserver-kubelet-client'));
    assert.equal(ok.code, 200);
    assert.equal(JSON.parse(ok.body).kind, 'PodList');
    // plain HTTP on the kubelet port gets no answer a client could use
    const plain = await new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: kubelet!.port, path: '/pods' }, (res) => resolve(res.statusCode ?? 0)).on('error', () => resolve(-1));
    });
    assert.notEqual(plain, 200);
  });
});
