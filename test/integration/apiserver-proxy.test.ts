// pods/proxy, services/proxy and nodes/proxy through the real apiserver on real etcd and the real
// kubectl: plain HTTP servers on 127.0.0.1 stand in for a pod IP and a service endpoint, and an
// HTTPS server that requires the apiserver's kubelet client certificate stands in for a kubelet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCA, issueCert } from '../../src/pki/issue.js';
import type { ApiServerFixture } from '../helpers/cluster.js';
import { req } from '../helpers/http.js';
import type { Kubectl } from '../helpers/kubectl.js';
import { startKubectlCluster, type KubectlCluster } from '../helpers/kubectl-cluster.js';
import { freePort } from '../helpers/ports.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  clientCN?: string;
}

let cluster: KubectlCluster;
let api: ApiServerFixture;
let kubectl: Kubectl;
let backend: http.Server;
let kubelet: https.Server;
const seen: Seen[] = [];
const kubeletSeen: Seen[] = [];

function listen(s: http.Server): Promise<number> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
}

function record(into: Seen[], answer: (r: Seen) => [number, string, Record<string, string>?]) {
  return (rq: http.IncomingMessage, rs: http.ServerResponse) => {
    let body = '';
    rq.on('data', (c: Buffer) => (body += c.toString()));
    rq.on('end', () => {
      const cert = (rq.socket as TLSSocket).getPeerCertificate?.();
      const s: Seen = { method: rq.method!, url: rq.url!, headers: rq.headers, body, clientCN: cert?.subject?.CN as string | undefined };
      into.push(s);
      const [code, text, headers] = answer(s);
      rs.writeHead(code, { 'Content-Type': 'text/plain', 'X-Backend': 'yes', ...(headers ?? {}) });
      rs.end(text);
    });
  };
}

async function patchStatus(p: string, status: unknown): Promise<void> {
  const r = await req(api.url, 'PATCH', `${p}/status`, { status }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

let backendPort = 0;
before(async () => {
  const ca = await createCA('proxy-test-ca');
  const serving = await issueCert(ca, { commonName: 'kubelet', ipAddresses: ['127.0.0.1'], usages: ['server'] });
  const client = await issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['kubeadm:cluster-admins'], usages: ['client'] });
  backend = http.createServer(record(seen, (s) => [s.url.startsWith('/redirect') ? 302 : 200, `backend saw ${s.method} ${s.url}`, s.url.startsWith('/redirect') ? { Location: '/elsewhere' } : undefined]));
  backendPort = await listen(backend);
  kubelet = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, record(kubeletSeen, (s) => [200, JSON.stringify({ node: { nodeName: 'n1' }, path: s.url })]));
  const kubeletPort = await listen(kubelet);
  cluster = await startKubectlCluster({ random: () => 0, kubeletTls: { ca: Buffer.from(ca.certPem), cert: Buffer.from(client.certPem), key: Buffer.from(client.keyPem) } });
  ({ api, kubectl } = cluster);

  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'web', containerPort: backendPort }] }] } };
  assert.equal((await req(api.url, 'POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
  await patchStatus('/api/v1/namespaces/default/pods/p', { podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] });
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 80, targetPort: backendPort }] } };
  assert.equal((await req(api.url, 'POST', '/api/v1/namespaces/default/services', svc)).status, 201);
  const slice = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4', ports: [{ name: '', port: backendPort, protocol: 'TCP' }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }, { addresses: ['127.0.0.2'], conditions: { ready: false } }],
  };
  assert.equal((await req(api.url, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', slice)).status, 201);
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
  assert.equal((await req(api.url, 'POST', '/api/v1/nodes', node)).status, 201);
  await patchStatus('/api/v1/nodes/n1', { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } });
});

after(async () => {
  await cluster?.stop();
  backend?.closeAllConnections();
  kubelet?.closeAllConnections();
  await Promise.all([backend, kubelet].filter(Boolean).map((s) => new Promise((r) => s.close(r))));
});

describe('proxy subresources', () => {
  test('kubectl get --raw through nodes/proxy reaches the kubelet over TLS with the kubelet client certificate', async () => {
    const out = await kubectl.ok(['get', '--raw', '/api/v1/nodes/n1/proxy/stats/summary']);
    assert.deepEqual(JSON.parse(out), { node: { nodeName: 'n1' }, path: '/stats/summary' });
    assert.equal(kubeletSeen.at(-1)!.clientCN, 'kube-apiserver-kubelet-client');
  });

  test('kubectl get --raw through services/proxy reaches a ready endpoint of the named port', async () => {
    seen.length = 0;
    const out = await kubectl.ok(['get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/']);
    assert.equal(out.trim(), 'backend saw GET /');
    const byName = await req(api.url, 'GET', '/api/v1/namespaces/default/services/http:web:/proxy/a%2Fb/c?x=1&y=2');
    assert.equal(byName.status, 200);
    assert.equal(byName.body, 'backend saw GET /a%2Fb/c?x=1&y=2');
    const noPort = await req(api.url, 'GET', '/api/v1/namespaces/default/services/web:81/proxy/');
    assert.equal(noPort.status, 503);
    assert.equal(noPort.body.message, 'no service port 81 found for service "web"');
  });

  test('pods/proxy forwards method, body, query and headers, but not credentials, and passes status and headers back', async () => {
    seen.length = 0;
    const r = await req(api.url, 'POST', `/api/v1/namespaces/default/pods/p:${backendPort}/proxy/submit?q=1`, 'payload', {
      'Content-Type': 'text/plain', Authorization: 'Bearer secret-token', 'X-Custom': 'kept', 'Impersonate-User': 'someone',
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, `backend saw POST /submit?q=1`);
    assert.equal(r.headers.get('x-backend'), 'yes');
    const s = seen.at(-1)!;
    assert.equal(s.body, 'payload');
    assert.equal(s.headers['x-custom'], 'kept');
    assert.equal(s.headers.authorization, undefined);
    assert.equal(s.headers['impersonate-user'], undefined);
    const named = await req(api.url, 'GET', '/api/v1/namespaces/default/pods/p:web/proxy/hello');
    assert.equal(named.status, 200);
    assert.equal(named.body, 'backend saw GET /hello');
    const manual = await fetch(`${api.url}/api/v1/namespaces/default/pods/p/proxy/redirect`, { redirect: 'manual' });
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.get('location'), '/elsewhere');
    await manual.text();
  });

  test('an unreachable backend is a 503 Status; a missing object is a 404', async () => {
    const closed = await freePort();
    const down = await req(api.url, 'GET', `/api/v1/namespaces/default/pods/p:${closed}/proxy/`);
    assert.equal(down.status, 503);
    assert.equal(down.body.kind, 'Status');
    assert.equal(down.body.reason, 'ServiceUnavailable');
    assert.match(down.body.message, /^error trying to reach service: .*ECONNREFUSED/);
    const missing = await req(api.url, 'GET', '/api/v1/namespaces/default/pods/nope/proxy/');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'pods "nope" not found');
  });

  test('upgrade requests are refused and never reach the backend', async () => {
    seen.length = 0;
    const code = await new Promise<number>((resolve, reject) => {
      const r = http.request(`${api.url}/api/v1/namespaces/default/pods/p:${backendPort}/proxy/ws`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' } });
      r.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('upgrade', (_res, socket) => {
        socket.destroy();
        reject(new Error('the proxy upgraded the connection'));
      });
      r.on('error', () => resolve(-1));
      r.end();
    });
    // With no 'upgrade' listener Node hands the request to the pipeline, which refuses it.
    assert.equal(code, 400);
    assert.equal(seen.length, 0);
  });
});
