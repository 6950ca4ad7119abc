// Security admission and service-account tokens against real etcd + an in-process apiserver (and
// the real kubectl): ServiceAccount defaults and the projected volume, TokenRequest → the token
// authenticates → its pod is deleted → rejected, TokenReview, `kubectl create token`, PodSecurity,
// LimitRanger defaults, ResourceQuota under concurrent creates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually, req } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';
import { signingKeyFromPem } from '../../src/apiserver/serviceaccount/jwt.js';

const ISS = 'https://kubernetes.default.svc.cluster.local';
const ADMIN = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

let etcd: EtcdFixture;
let api: ApiServerFixture;
let u: string;
let dir: string;
let kubectl: Kubectl;

const pod = (name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec: { containers: [{ name: 'c', image: 'localhost:5000/busybox:v1' }], ...spec },
});
const ns = async (name: string, labels: Record<string, string> = {}) => {
  assert.equal((await req(u, 'POST', '/api/v1/namespaces', { metadata: { name, labels } })).status, 201);
  // No controller-manager here: the test plays the ServiceAccount controller.
  assert.equal((await req(u, 'POST', `/api/v1/namespaces/${name}/serviceaccounts`, { metadata: { name: 'default' } })).status, 201);
};

before(async () => {
  etcd = await startEtcd();
  const key = signingKeyFromPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  api = await startApiServer({
    etcd,
    disableAdmissionPlugins: [],
    serviceAccountTokens: { signingKey: key, issuers: [ISS] },
    // Requests with a bearer token must be authenticated by it (the service-account authenticator
    // runs first); the rest are the test's admin.
    authenticator: { authenticate: async (r: IncomingMessage) => (r.headers.authorization ? undefined : ADMIN) },
  });
  u = api.url;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-secadm-'));
  fs.writeFileSync(path.join(dir, 'kubeconfig'), renderKubeconfig({ server: u }));
  kubectl = new Kubectl(path.join(dir, 'kubeconfig'));
});
after(async () => {
  kubectl?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await api?.stop();
  await etcd?.stop();
});

describe('ServiceAccount admission and tokens', () => {
  test('a missing account is refused; the default account and the projected volume are added', async () => {
    assert.equal((await req(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'sa1' } })).status, 201);
    const refused = await req(u, 'POST', '/api/v1/namespaces/sa1/pods', pod('p'));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'pods "p" is forbidden: error looking up service account sa1/default: serviceaccount "default" not found');
    assert.equal((await req(u, 'POST', '/api/v1/namespaces/sa1/serviceaccounts', { metadata: { name: 'default' } })).status, 201);
    const ok = await req(u, 'POST', '/api/v1/namespaces/sa1/pods', pod('p'));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const spec = ok.body.spec;
    assert.equal(spec.serviceAccountName, 'default');
    const vol = spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vol.projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
    assert.deepEqual(spec.containers[0].volumeMounts, [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    const off = await req(u, 'POST', '/api/v1/namespaces/sa1/pods', pod('q', { automountServiceAccountToken: false }));
    assert.equal(off.body.spec.volumes, undefined);
  });

  test('TokenRequest bound to a pod authenticates until the pod is deleted; TokenReview agrees', async () => {
    await ns('tok');
    const p = (await req(u, 'POST', '/api/v1/namespaces/tok/pods', pod('runner'))).body;
    const tr = await req(u, 'POST', '/api/v1/namespaces/tok/serviceaccounts/default/token', {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner', uid: p.metadata.uid } },
    });
    assert.equal(tr.status, 201, JSON.stringify(tr.body));
    assert.equal(tr.body.kind, 'TokenRequest');
    const token = tr.body.status.token as string;
    const exp = Date.parse(tr.body.status.expirationTimestamp);
    assert.ok(Math.abs(exp - Date.now() - 3600_000) < 120_000, 'default expiry one hour');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.iss, ISS);
    assert.deepEqual(claims.aud, [ISS]);
    assert.equal(claims.sub, 'system:serviceaccount:tok:default');
    assert.deepEqual(claims['kubernetes.io'].pod, { name: 'runner', uid: p.metadata.uid });
    const bearer = { Authorization: `Bearer ${token}` };
    const ok = await req(u, 'GET', '/api/v1/namespaces/tok/pods', undefined, bearer);
    assert.equal(ok.status, 200);
    const review = await req(u, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
    assert.equal(review.status, 201);
    assert.equal(review.body.status.authenticated, true);
    assert.equal(review.body.status.user.username, 'system:serviceaccount:tok:default');
    assert.deepEqual(review.body.status.user.extra['authentication.kubernetes.io/pod-name'], ['runner']);
    // the pod goes: the token stops working at once
    assert.equal((await req(u, 'DELETE', '/api/v1/namespaces/tok/pods/runner?gracePeriodSeconds=0')).status, 200);
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/tok/pods', undefined, bearer)).status, 401);
    const after = await req(u, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } });
    assert.notEqual(after.body.status.authenticated, true);
    assert.match(after.body.status.error, /has been deleted/);
    // a garbage token is not a user
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/tok/pods', undefined, { Authorization: 'Bearer x.y.z' })).status, 401);
    // discovery lists the subresource and the review resource
    const core = await req(u, 'GET', '/api/v1');
    assert.ok(core.body.resources.some((r: { name: string }) => r.name === 'serviceaccounts/token'));
    const authn = await req(u, 'GET', '/apis/authentication.k8s.io/v1');
    assert.ok(authn.body.resources.some((r: { name: string }) => r.name === 'tokenreviews'));
  });

  test('kubectl create token prints a token that authenticates', async () => {
    await ns('kc');
    const out = (await kubectl.ok(['create', 'token', 'default', '-n', 'kc', '--duration', '20m', '--audience', ISS])).trim();
    const claims = JSON.parse(Buffer.from(out.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 1200);
    assert.equal(claims.sub, 'system:serviceaccount:kc:default');
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/kc/serviceaccounts', undefined, { Authorization: `Bearer ${out}` })).status, 200);
    const missing = await kubectl.run(['create', 'token', 'ghost', '-n', 'kc']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /serviceaccounts "ghost" not found/);
  });
});

describe('PodSecurity', () => {
  const privileged = (name: string) => pod(name, { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] });

  test('restricted refuses a privileged pod with the upstream message; baseline accepts a plain one', async () => {
    await ns('restricted', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const r = await req(u, 'POST', '/api/v1/namespaces/restricted/pods', privileged('x'));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.match(r.body.message, /^pods "x" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext\.privileged=true\), allowPrivilegeEscalation != false/);
    await ns('baseline', { 'pod-security.kubernetes.io/enforce': 'baseline' });
    assert.equal((await req(u, 'POST', '/api/v1/namespaces/baseline/pods', pod('plain'))).status, 201);
    assert.equal((await req(u, 'POST', '/api/v1/namespaces/baseline/pods', privileged('priv'))).status, 403);
    const host = await req(u, 'POST', '/api/v1/namespaces/baseline/pods', pod('h', { hostNetwork: true }));
    assert.match(host.body.message, /violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/);
  });

  test('warn mode answers with a Warning header (kubectl prints it); workloads get warnings only', async () => {
    await ns('warned', { 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/enforce': 'baseline' });
    const r = await req(u, 'POST', '/api/v1/namespaces/warned/pods', pod('w'));
    assert.equal(r.status, 201);
    assert.match(r.headers.get('warning') ?? '', /^299 - "would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false/);
    const dep = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] } } },
    };
    const d = await req(u, 'POST', '/apis/apps/v1/namespaces/warned/deployments', dep);
    assert.equal(d.status, 201, 'workloads are not refused');
    assert.match(d.headers.get('warning') ?? '', /would violate PodSecurity \\"baseline:latest\\": privileged/);
    const k = await kubectl.run(['run', 'kp', '-n', 'warned', '--image', 'localhost:5000/busybox:v1']);
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stderr, /Warning: would violate PodSecurity "restricted:latest"/);
  });
});

describe('LimitRanger and ResourceQuota', () => {
  test('LimitRange defaults are applied and max is enforced', async () => {
    await ns('limits');
    const lr = { metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '64Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } };
    assert.equal((await req(u, 'POST', '/api/v1/namespaces/limits/limitranges', lr)).status, 201);
    const created = await eventually(async () => {
      const r = await req(u, 'POST', '/api/v1/namespaces/limits/pods', { ...pod(''), metadata: { generateName: 'p-' } });
      return r.body.spec?.containers?.[0]?.resources?.limits ? r.body : undefined;
    }, 10_000, 'defaults applied');
    assert.deepEqual(created.spec.containers[0].resources, { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
    assert.match(created.metadata.annotations['kubernetes.io/limit-ranger'], /^LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c$/);
    assert.equal(created.status.qosClass, 'Burstable');
    const big = await req(u, 'POST', '/api/v1/namespaces/limits/pods', pod('big', { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '2' } } }] }));
    assert.equal(big.status, 403);
    assert.equal(big.body.message, 'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  });

  test('a quota of 3 pods admits exactly 3 of 10 concurrent creates (and status.used says 3)', async () => {
    await ns('quota');
    assert.equal((await req(u, 'POST', '/api/v1/namespaces/quota/resourcequotas', { metadata: { name: 'q' }, spec: { hard: { pods: '3' } } })).status, 201);
    const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => req(u, 'POST', '/api/v1/namespaces/quota/pods', pod(`p${i}`))));
    const codes = rs.map((r) => r.status);
    assert.equal(codes.filter((c) => c === 201).length, 3, JSON.stringify(codes));
    for (const r of rs.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.message, /^pods "p\d" is forbidden: exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3$/);
    }
    const q = await req(u, 'GET', '/api/v1/namespaces/quota/resourcequotas/q');
    assert.deepEqual(q.body.status, { hard: { pods: '3' }, used: { pods: '3' } });
    const list = await req(u, 'GET', '/api/v1/namespaces/quota/pods');
    assert.equal(list.body.items.length, 3);
  });

  test('scoped quotas (kubectl): BestEffort, PriorityClass selector and Terminating constrain only their pods', async () => {
    await ns('scoped');
    const burst = (name: string, spec: Record<string, unknown> = {}) => pod(name, { containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', resources: { requests: { cpu: '10m' }, limits: { cpu: '10m' } } }], ...spec });
    const create = (obj: object) => kubectl.run(['create', '-n', 'scoped', '-f', '-'], JSON.stringify(obj));
    // a pod that exists before the quotas: a recount must leave it out of every scoped quota
    assert.equal((await create(burst('before'))).code, 0);
    await kubectl.ok(['create', 'priorityclass', 'scoped-high', '--value=1000']);
    const quota = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'scoped' }, spec: { hard: { pods: '1' }, ...spec } });
    for (const q of [
      quota('besteffort', { scopes: ['BestEffort'] }),
      quota('high', { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['scoped-high'] }] } }),
      quota('terminating', { scopes: ['Terminating'] }),
    ]) await kubectl.ok(['apply', '-f', '-'], JSON.stringify(q));
    const cases: [string, object, string | undefined][] = [
      ['first best-effort pod', pod('be1'), undefined],
      ['second best-effort pod', pod('be2'), 'besteffort'],
      ['burstable pods are not BestEffort', burst('b1'), undefined],
      ['first high-priority pod', burst('h1', { priorityClassName: 'scoped-high' }), undefined],
      ['second high-priority pod', burst('h2', { priorityClassName: 'scoped-high' }), 'high'],
      ['first pod with a deadline', burst('t1', { activeDeadlineSeconds: 60 }), undefined],
      ['second pod with a deadline', burst('t2', { activeDeadlineSeconds: 60 }), 'terminating'],
    ];
    for (const [what, obj, refusedBy] of cases) {
      const r = await create(obj);
      if (!refusedBy) assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      else {
        assert.notEqual(r.code, 0, what);
        assert.match(r.stderr, new RegExp(`is forbidden: exceeded quota: ${refusedBy}, requested: pods=1, used: pods=1, limited: pods=1`), what);
      }
    }
    const used = JSON.parse(await kubectl.ok(['get', 'resourcequotas', '-n', 'scoped', '-o', 'json'])).items.map((q: { metadata: { name: string }; status: { used: Record<string, string> } }) => [q.metadata.name, q.status.used.pods]);
    assert.deepEqual(used, [['besteffort', '1'], ['high', '1'], ['terminating', '1']]);
  });
});
