// Secrets encrypted at rest and the audit log, through the apiserver's own flags
// (`--encryption-provider-config`, `--audit-policy-file`, `--audit-log-path`), real etcd (read
// raw with etcdctl) and the real kubectl: aescbc prefix and no plaintext, key rotation with
// `kubectl get secrets -A -o json | kubectl replace -f -` to aescbc, then secretbox, then the old
// keys dropped, every Secret readable throughout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { req } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';
import { securityOptions, SECURITY_FLAGS } from '../../src/cmd/apiserver-security.js';
import { parseFlags } from '../../src/util/flags.js';
import { silentLogger } from '../../src/util/logger.js';

let etcd: EtcdFixture;
let dir: string;
let api: ApiServerFixture | undefined;
let kubectl: Kubectl | undefined;

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const sb = randomBytes(32).toString('base64');
const config = (providers: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
${providers}`;
const aescbc = (...keys: [string, string][]) => `      - aescbc:\n          keys:\n${keys.map(([n, s]) => `            - name: ${n}\n              secret: ${s}\n`).join('')}`;
const secretbox = (n: string, s: string) => `      - secretbox:\n          keys:\n            - name: ${n}\n              secret: ${s}\n`;
const identity = '      - identity: {}\n';

/** Starts an apiserver from command-line flags (parsed the way `kubets apiserver` parses them). */
async function startWith(flags: string[]): Promise<void> {
  await api?.stop();
  kubectl?.cleanup();
  const opts = securityOptions(parseFlags(flags, { known: SECURITY_FLAGS }), silentLogger());
  api = await startApiServer({ etcd, ...opts });
  fs.writeFileSync(path.join(dir, 'kubeconfig'), renderKubeconfig({ server: api.url }));
  kubectl = new Kubectl(path.join(dir, 'kubeconfig'));
}

function encFlags(text: string): string[] {
  const f = path.join(dir, `enc-${Date.now()}-${Math.random()}.yaml`);
  fs.writeFileSync(f, text, { mode: 0o600 });
  return ['--encryption-provider-config', f];
}

/** The raw etcd value of a key, read with etcdctl. */
function raw(key: string): Buffer {
  return execFileSync('etcdctl', ['--endpoints', etcd.endpoint, 'get', key, '--print-value-only'], { env: { ...process.env, ETCDCTL_API: '3' } });
}

const SECRETS = ['alpha', 'beta', 'gamma'];
const plaintext = (n: string) => `hunter2-${n}-plaintext`;

function assertSealed(prefix: string): void {
  for (const n of SECRETS) {
    const v = raw(`/registry/secrets/default/${n}`);
    assert.ok(v.toString('latin1').startsWith(prefix), `${n}: ${v.subarray(0, 40).toString('latin1')}`);
    assert.ok(!v.includes(plaintext(n)), 'no plaintext');
    assert.ok(!v.includes(Buffer.from(plaintext(n)).toString('base64')), 'no base64 plaintext');
  }
}

async function assertReadable(): Promise<void> {
  for (const n of SECRETS) {
    const out = await kubectl!.ok(['get', 'secret', n, '-o', 'jsonpath={.data.password}']);
    assert.equal(Buffer.from(out, 'base64').toString(), plaintext(n));
  }
}

async function rewriteAll(): Promise<void> {
  const all = await kubectl!.ok(['get', 'secrets', '-A', '-o', 'json']);
  // --validate=false: kubectl validates a `List` client-side against /openapi/v2, which kubets does not serve.
  await kubectl!.ok(['replace', '--validate=false', '-f', '-'], all);
}

before(async () => {
  etcd = await startEtcd();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-atrest-'));
});
after(async () => {
  kubectl?.cleanup();
  await api?.stop();
  await etcd?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('encryption at rest', () => {
  test('aescbc: raw etcd holds the prefix and no plaintext; configmaps stay plain', async () => {
    await startWith(encFlags(config(aescbc(['key1', k1]) + identity)));
    for (const n of SECRETS) await kubectl!.ok(['create', 'secret', 'generic', n, `--from-literal=password=${plaintext(n)}`]);
    await kubectl!.ok(['create', 'configmap', 'plain', '--from-literal=a=visible-value']);
    assertSealed('k8s:enc:aescbc:v1:key1:');
    assert.ok(raw('/registry/configmaps/default/plain').includes('visible-value'));
    await assertReadable();
  });

  test('rotation: new aescbc key first, rewrite, then secretbox, then the old keys dropped', async () => {
    // 1. the new key first, the old one still decrypts
    await startWith(encFlags(config(aescbc(['key2', k2], ['key1', k1]))));
    await assertReadable();
    assertSealed('k8s:enc:aescbc:v1:key1:');
    await rewriteAll();
    assertSealed('k8s:enc:aescbc:v1:key2:');
    // 2. move to secretbox
    await startWith(encFlags(config(secretbox('box1', sb) + aescbc(['key2', k2]))));
    await assertReadable();
    await rewriteAll();
    assertSealed('k8s:enc:secretbox:v1:box1:');
    // 3. drop the old keys: everything still reads
    await startWith(encFlags(config(secretbox('box1', sb))));
    await assertReadable();
    const s = await req(api!.url, 'GET', '/api/v1/namespaces/default/secrets');
    assert.equal(s.status, 200);
    assert.deepEqual(s.body.items.map((x: { metadata: { name: string } }) => x.metadata.name).sort(), SECRETS);
  });
});

describe('audit log', () => {
  test('JSON lines of audit.k8s.io/v1 Events per the policy levels', async () => {
    const policy = path.join(dir, 'audit-policy.yaml');
    fs.writeFileSync(policy, `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*", "/version", "/openapi/*", "/api", "/apis", "/api/*", "/apis/*"]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets"] }]
  - level: RequestResponse
    resources: [{ group: "", resources: ["configmaps"] }]
  - level: Request
    verbs: ["create"]
  - level: Metadata
`);
    const logPath = path.join(dir, 'audit', 'audit.log');
    await startWith([...encFlags(config(identity)), '--audit-policy-file', policy, '--audit-log-path', logPath, '--audit-log-maxsize', '1', '--audit-log-maxbackup', '2']);
    await kubectl!.ok(['create', 'secret', 'generic', 'audited', '--from-literal=password=topsecret']);
    await kubectl!.ok(['create', 'configmap', 'cm-audited', '--from-literal=k=v']);
    await kubectl!.ok(['create', 'namespace', 'audit-ns']);
    await kubectl!.ok(['get', 'pods']);
    await api!.stop();
    api = undefined;
    const events = fs.readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const e of events) {
      assert.equal(e.kind, 'Event');
      assert.equal(e.apiVersion, 'audit.k8s.io/v1');
      assert.equal(e.stage, 'ResponseComplete');
      assert.match(e.auditID, /^[0-9a-f-]{36}$/);
      assert.ok(e.requestReceivedTimestamp <= e.stageTimestamp);
      assert.match(e.userAgent, /kubectl/);
      assert.ok(e.sourceIPs.includes('127.0.0.1'));
    }
    const secret = events.find((e) => e.objectRef?.resource === 'secrets' && e.verb === 'create');
    assert.equal(secret.level, 'Metadata');
    assert.equal(secret.requestObject, undefined, 'Metadata level: no bodies');
    assert.deepEqual(secret.objectRef, { resource: 'secrets', namespace: 'default', apiVersion: 'v1' });
    assert.equal(secret.responseStatus.code, 201);
    assert.equal(secret.user.username, 'system:admin');
    assert.ok(!JSON.stringify(events).includes('topsecret') && !JSON.stringify(events).includes(Buffer.from('topsecret').toString('base64')));
    const cm = events.find((e) => e.objectRef?.resource === 'configmaps' && e.verb === 'create');
    assert.equal(cm.level, 'RequestResponse');
    assert.equal(cm.responseObject.data.k, 'v');
    assert.equal(cm.requestObject.data.k, 'v');
    const ns = events.find((e) => e.objectRef?.resource === 'namespaces' && e.verb === 'create');
    assert.equal(ns.level, 'Request');
    assert.equal(ns.requestObject.metadata.name, 'audit-ns');
    assert.equal(ns.responseObject, undefined);
    const list = events.find((e) => e.objectRef?.resource === 'pods' && e.verb === 'list');
    assert.equal(list.level, 'Metadata');
    assert.equal(list.requestURI.startsWith('/api/v1/namespaces/default/pods'), true);
    assert.ok(!events.some((e) => e.requestURI === '/version' || e.requestURI?.startsWith('/api?') || e.requestURI === '/api'), 'None level leaves discovery out');
  });
});
