// The secure apiserver against a TLS etcd: TLS policy, authentication, RBAC, reviews,
// aggregation and node restriction, all through HTTPS with real certificates.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '../../src/client/interfaces.js';
import { R } from '../../src/client/resources.js';
import { RestClientset } from '../../src/client/rest.js';
import { createCA, issueCert, type KeyPair } from '../../src/pki/issue.js';
import { ensurePki, type PkiResult } from '../../src/pki/store.js';
import { etcdTlsOf, secureApiOptionsOf, startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';

const read = (f: string) => fs.readFileSync(f);

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

describe('secure apiserver', () => {
  let dir: string;
  let pki: PkiResult;
  let etcd: EtcdFixture;
  let api: ApiServerFixture;
  let ca: KeyPair;
  const clients: RestClientset[] = [];

  const client = (o: { cert?: KeyPair; token?: string; ca?: Buffer | string } = {}) => {
    const c = new RestClientset({ server: api.url, caData: o.ca ?? read(pki.ca.cert), certData: o.cert?.certPem, keyData: o.cert?.keyPem, token: o.token, maxRetries: 0, timeoutMs: 10_000 });
    clients.push(c);
    return c;
  };
  const fileCert = (name: string): KeyPair => ({ certPem: read(pki.certs[name]!.cert).toString(), keyPem: read(pki.certs[name]!.key).toString() });
  const userCert = (cn: string, orgs: string[] = []) => issueCert(ca, { commonName: cn, organizations: orgs, usages: ['client'] });
  const admin = () => client({ cert: fileCert('admin') });
  const json = <T = any>(r: { status: number; body: Buffer }) => ({ status: r.status, body: JSON.parse(r.body.toString()) as T });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-sec-'));
    pki = await ensurePki(path.join(dir, 'pki'), { nodeName: 'node-a', nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
    ca = { certPem: read(pki.ca.cert).toString(), keyPem: read(pki.ca.key).toString() };
    fs.writeFileSync(path.join(dir, 'tokens.csv'), 'alice-token,alice,uid-alice\nbob-token,bob,uid-bob,"dev,qa"\n');
    etcd = await startEtcd({ tls: etcdTlsOf(pki) });
    api = await startApiServer({
      etcd,
      ...secureApiOptionsOf(pki, { tokenAuthFile: path.join(dir, 'tokens.csv') }),
    });
  });

  after(async () => {
    for (const c of clients) c.close();
    await api?.stop();
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('serves only HTTPS; anonymous requests get a 401 Unauthorized Status', async () => {
    assert.match(api.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.server.insecureUrl, '');
    const r = json(await client().raw('GET', '/api/v1/namespaces/default/pods'));
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    assert.equal((await client({ token: 'wrong' }).raw('GET', '/version')).status, 401);
  });

  test('a client trusting another CA fails the TLS handshake', async () => {
    const other = await createCA('other');
    await assert.rejects(client({ ca: other.certPem, cert: fileCert('admin') }).raw('GET', '/version'), /self-signed|unable to verify|certificate/i);
  });

  test('TLS 1.1 and weak TLS 1.2 ciphers are refused, TLS 1.2 with AEAD is accepted', async () => {
    const port = Number(new URL(api.url).port);
    const handshake = (o: tls.ConnectionOptions) => new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: ca.certPem, ...o }, () => {
        const v = s.getProtocol() ?? '';
        s.end();
        resolve(v);
      });
      s.on('error', reject);
    });
    await assert.rejects(handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }), /protocol|version|alert/i);
    await assert.rejects(handshake({ maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA:@SECLEVEL=0' }), /handshake|cipher|alert/i);
    assert.equal(await handshake({ maxVersion: 'TLSv1.2' }), 'TLSv1.2');
    assert.equal(await handshake({}), 'TLSv1.3');
  });

  test('client certificate and token users, as SelfSubjectReview reports them', async () => {
    const who = async (c: RestClientset) => json(await c.raw('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
    const a = await who(admin());
    assert.equal(a.status, 201);
    assert.deepEqual(a.body.status.userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    const b = await who(client({ token: 'bob-token' }));
    assert.deepEqual(b.body.status.userInfo, { username: 'bob', uid: 'uid-bob', groups: ['dev', 'qa', 'system:authenticated'] });
    const foreign = await issueCert(await createCA('evil'), { commonName: 'mallory', organizations: ['system:masters'], usages: ['client'] });
    assert.equal((await client({ cert: foreign }).raw('GET', '/api/v1/pods')).status, 401);
  });

  test('403 with the upstream message until a RoleBinding grants access', async () => {
    const alice = client({ token: 'alice-token' });
    const r = json(await alice.raw('GET', '/api/v1/namespaces/default/pods'));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    assert.equal(json(await alice.raw('GET', '/api/v1/nodes/n1')).body.message, 'nodes "n1" is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope');
    assert.equal(json(await alice.raw('GET', '/metrics')).body.message, 'forbidden: User "alice" cannot get path "/metrics"');
    assert.equal((await alice.raw('GET', '/healthz')).status, 200);
    assert.equal((await alice.raw('GET', '/apis')).status, 200);
    const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1' };
    await admin().resource({ ...rbac, resource: 'roles', kind: 'Role', namespaced: true }).create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }] });
    await admin().resource({ ...rbac, resource: 'rolebindings', kind: 'RoleBinding', namespaced: true }).create('default', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    });
    await eventually('alice can list pods', async () => (await alice.raw('GET', '/api/v1/namespaces/default/pods')).status === 200);
    assert.equal((await alice.raw('GET', '/api/v1/namespaces/kube-system/pods')).status, 403);
    assert.equal((await alice.raw('DELETE', '/api/v1/namespaces/default/pods/x')).status, 403);
  });

  test('SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview', async () => {
    const alice = client({ token: 'alice-token' });
    const ssar = async (verb: string, ns: string) => json(await alice.raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: ns, verb, resource: 'pods' } } })).body;
    await eventually('alice may list pods', async () => (await ssar('list', 'default')).status.allowed === true);
    const yes = await ssar('list', 'default');
    assert.equal(yes.kind, 'SelfSubjectAccessReview');
    assert.match(yes.status.reason, /RoleBinding "alice-reads\/default" of Role "pod-reader" to User "alice"/);
    assert.equal((await ssar('delete', 'default')).status.allowed, false);
    assert.equal((await ssar('list', 'kube-system')).status.allowed, false);
    // SAR needs its own permission: alice may not ask about others
    const sarBody = (user: string, verb: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups: ['system:authenticated'], resourceAttributes: { namespace: 'default', verb, resource: 'pods' } } });
    assert.equal((await alice.raw('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sarBody('alice', 'list'))).status, 403);
    const sar = json(await admin().raw('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sarBody('alice', 'get')));
    assert.equal(sar.status, 201);
    assert.equal(sar.body.status.allowed, true);
    assert.equal(json(await admin().raw('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sarBody('bob', 'get'))).body.status.allowed, false);
    const lsar = json(await admin().raw('POST', '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'alice', resourceAttributes: { verb: 'list', resource: 'pods' } } }));
    assert.equal(lsar.body.status.allowed, true);
    const rules = json(await alice.raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } })).body;
    assert.ok(rules.status.resourceRules.some((r: any) => r.resources.includes('pods/log') && r.verbs.includes('list')), JSON.stringify(rules.status));
    assert.ok(rules.status.resourceRules.some((r: any) => r.resources.includes('selfsubjectaccessreviews')));
    assert.ok(rules.status.nonResourceRules.some((r: any) => r.nonResourceURLs.includes('/api')));
    const disc = json(await alice.raw('GET', '/apis/authorization.k8s.io/v1')).body;
    assert.deepEqual(disc.resources.map((r: any) => r.name).sort(), ['localsubjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews']);
  });

  test('bootstrap roles are in place and aggregation fills view/edit/admin', async () => {
    const crs = admin().resource({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false });
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:node', 'system:node-proxier', 'system:kube-dns', 'system:monitoring']) await crs.get(undefined, n);
    await crs.create(undefined, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'widget-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }] });
    for (const n of ['view', 'edit', 'admin']) {
      await eventually(`${n} aggregates widgets`, async () => ((await crs.get(undefined, n)).rules as any[] | undefined)?.some((r) => r.resources?.includes('widgets')));
    }
    const view = await crs.get(undefined, 'view');
    assert.ok((view.rules as any[]).some((r) => r.resources?.includes('pods') && r.verbs.includes('list')));
    assert.ok(!(view.rules as any[]).some((r) => r.resources?.includes('secrets')));
    // bob (group dev) bound to the aggregated view role reads widgets' neighbours: pods
    await admin().resource({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }).create(undefined, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'dev-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'dev' }],
    });
    const bob = client({ token: 'bob-token' });
    await eventually('bob lists pods everywhere', async () => (await bob.raw('GET', '/api/v1/namespaces/kube-system/pods')).status === 200);
    assert.equal((await bob.raw('GET', '/api/v1/namespaces/kube-system/secrets')).status, 403);
  });

  test('node restriction: node A cannot modify node B or pods bound to B', async () => {
    const nodeA = client({ cert: await userCert('system:node:node-a', ['system:nodes']) });
    const nodeB = client({ cert: await userCert('system:node:node-b', ['system:nodes']) });
    const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await nodeA.resource(R.nodes).create(undefined, node('node-a'));
    await nodeB.resource(R.nodes).create(undefined, node('node-b'));
    const code = async (p: Promise<unknown>) => p.then(() => 200, (e) => (e instanceof ApiError ? e.code : -1));
    assert.equal(await code(nodeA.resource(R.nodes).create(undefined, node('node-c'))), 403);
    const b = await nodeA.resource(R.nodes).get(undefined, 'node-b');
    assert.equal(await code(nodeA.resource(R.nodes).update(undefined, { ...b, metadata: { ...b.metadata, labels: { evil: 'yes' } } })), 403);
    assert.equal(await code(nodeA.resource(R.nodes).patch(undefined, 'node-b', 'merge', { status: { capacity: { cpu: '1' } } }, { subresource: 'status' })), 403);
    assert.equal(await code(nodeA.resource(R.nodes).patch(undefined, 'node-a', 'merge', { metadata: { labels: { mine: 'yes' } } })), 200);
    const pods = admin().resource(R.pods);
    const pod = (name: string, nodeName: string, secret: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox', envFrom: [{ secretRef: { name: secret } }] }] } });
    await pods.create('default', pod('on-a', 'node-a', 'sec-a'));
    await pods.create('default', pod('on-b', 'node-b', 'sec-b'));
    for (const s of ['sec-a', 'sec-b']) await admin().resource(R.secrets).create('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: s }, stringData: { k: 'v' } });
    const onB = await nodeA.resource(R.pods).get('default', 'on-b');
    assert.equal(await code(nodeA.resource(R.pods).updateStatus('default', { ...onB, status: { ...(onB.status as object), phase: 'Failed' } })), 403);
    assert.equal(await code(nodeA.resource(R.pods).delete('default', 'on-b')), 403);
    const onA = await nodeA.resource(R.pods).get('default', 'on-a');
    assert.equal(await code(nodeA.resource(R.pods).updateStatus('default', { ...onA, status: { ...(onA.status as object), phase: 'Running' } })), 200);
    await eventually('node-a reads the secret its pod uses', async () => (await code(nodeA.resource(R.secrets).get('default', 'sec-a'))) === 200);
    assert.equal(await code(nodeA.resource(R.secrets).get('default', 'sec-b')), 403);
    assert.equal(await code(nodeA.resource(R.secrets).list('default')), 403);
    assert.equal(await code(nodeA.resource(R.pods).create('default', pod('sneaky', 'node-a', 'sec-b'))), 403);
    const mirror = pod('mirror-b', 'node-b', 'x');
    (mirror.metadata as any).annotations = { 'kubernetes.io/config.mirror': 'hash' };
    assert.equal(await code(nodeA.resource(R.pods).create('default', mirror)), 403);
    assert.equal(await code(nodeB.resource(R.pods).create('default', mirror)), 200);
    assert.equal(await code(nodeA.resource(R.pods).delete('default', 'on-a')), 200);
  });
});
