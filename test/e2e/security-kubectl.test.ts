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
import type { ApiServerFixture, EtcdFixture } from '../helpers/cluster.js';
import { startSecureApiServer, startTlsEtcd } from '../helpers/secure-cluster.js';
import { Kubectl } from '../helpers/kubectl.js';
import { eventually } from '../helpers/http.js';

const read = (f: string) => fs.readFileSync(f);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('kubectl and kubelet over TLS', () => {
  let dir: string;
  let pki: PkiResult;
  let etcd: EtcdFixture;
  let api: ApiServerFixture;
  let admin: Kubectl;
  let alice: Kubectl;
  let kubelet: Kubelet | undefined;
  const fake = new FakeRuntimeService();
  const stop = new AbortController();
  let kubeletDone: Promise<void> | undefined;
  const clients: RestClientset[] = [];
  const pair = (name: string): KeyPair => ({ certPem: read(pki.certs[name]!.cert).toString(), keyPem: read(pki.certs[name]!.key).toString() });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-sec-e2e-'));
    pki = await ensurePki(path.join(dir, 'pki'), { nodeName: 'sec-node', nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
    fs.writeFileSync(path.join(dir, 'tokens.csv'), 'alice-token,alice,uid-alice\n');
    etcd = await startTlsEtcd(pki);
    api = await startSecureApiServer({ etcd, pki, tokenAuthFile: path.join(dir, 'tokens.csv'), kubeletClient: true });
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
    await eventually(async () => (await alice.run(['auth', 'can-i', 'list', 'pods', '-n', 'default'])).stdout.trim() === 'yes', 30_000, 'alice can list pods');
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
    kubelet = new Kubelet({
      clientset: nodeClient, runtime: fake, images: fake, nodeName: 'sec-node', rootDir: path.join(dir, 'kubelet'), port: 0, address: '127.0.0.1',
      clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', clock: realClock, logger: silentLogger(),
      tls: { cert: read(pki.certs.kubelet!.cert), key: read(pki.certs.kubelet!.key), clientCA: read(pki.ca.cert) },
    });
    kubeletDone = kubelet.start(stop.signal);
    await eventually(async () => (await admin.run(['get', 'node', 'sec-node'])).code === 0, 30_000, 'kubelet registered its node');
    await eventually(async () => kubelet!.port > 0, 30_000, 'kubelet listening');
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

  test('pods/exec goes through the kubelet over TLS to the runtime; the view role may not exec', async () => {
    // the runtime's streaming server: switches protocols and echoes
    const streaming = http.createServer();
    streaming.on('upgrade', (req, socket) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\nX-Seen-Path: ${req.url}\r\n\r\n`);
      socket.pipe(socket);
    });
    await new Promise<void>((r) => streaming.listen(0, '127.0.0.1', r));
    fake.streamingBase = `http://127.0.0.1:${(streaming.address() as { port: number }).port}`;
    try {
      await admin.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell', namespace: 'default' }, spec: { nodeName: 'sec-node', containers: [{ name: 'c', image: 'busybox' }] } }));
      await eventually(async () => JSON.parse(await admin.ok(['get', 'pod', 'shell', '-o', 'json'])).status?.phase === 'Running', 30_000, 'pod running');
      const ca = read(pki.ca.cert);
      const url = new URL(api.url);
      const upgrade = (auth: { cert?: string; key?: string; token?: string }, method = 'POST') => new Promise<{ code: number; echo?: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        const r = https.request({
          host: url.hostname, port: url.port, method, path: '/api/v1/namespaces/default/pods/shell/exec?command=sh&command=-c&command=id&stdout=true', ca, cert: auth.cert, key: auth.key,
          headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io', ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}) },
        });
        r.on('upgrade', (res, socket) => {
          socket.once('data', (c: Buffer) => {
            socket.destroy();
            resolve({ code: res.statusCode ?? 0, echo: c.toString(), headers: res.headers });
          });
          socket.write('ping');
        });
        r.on('response', (res) => {
          res.resume();
          resolve({ code: res.statusCode ?? 0, headers: res.headers });
        });
        r.on('error', reject);
        r.end();
      });
      const ok = await upgrade({ cert: pair('admin').certPem, key: pair('admin').keyPem });
      assert.equal(ok.code, 101);
      assert.equal(ok.echo, 'ping');
      assert.match(String(ok.headers['x-seen-path']), /^\/exec\/.+\?tty=false&stdin=false$/);
      assert.ok(fake.calls.includes('Exec sh -c id'), fake.calls.join(','));
      // alice has the view role in default: she may get pods but not create pods/exec
      const denied = await upgrade({ token: 'alice-token' });
      assert.equal(denied.code, 403);
      // `get` on pods/exec is not enough for a stream that arrives as GET (a websocket upgrade)
      await admin.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'exec-get', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }] }));
      await admin.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-exec-get', namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exec-get' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] }));
      await eventually(async () => (await alice.run(['auth', 'can-i', 'get', 'pods', '--subresource', 'exec', '-n', 'default'])).stdout.trim() === 'yes', 30_000, 'alice may get pods/exec');
      assert.equal((await upgrade({ token: 'alice-token' }, 'GET')).code, 403);
      assert.equal((await upgrade({ cert: pair('admin').certPem, key: pair('admin').keyPem }, 'GET')).code, 101);
    } finally {
      streaming.closeAllConnections();
      streaming.close();
    }
  });
});
