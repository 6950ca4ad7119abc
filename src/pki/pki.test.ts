import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { certFacts, createCA, isValidFrom, issueCert } from './issue.js';
import { apiserverSANs, planCerts, type PkiOptions } from './plan.js';
import { ensurePki } from './store.js';

const opts: PkiOptions = { nodeName: 'node-a', nodeIPs: ['192.0.2.10'], hostname: 'Host-A', serviceIP: '10.96.0.1' };

test('apiserver SANs cover the Service IP, node IPs, loopback and in-cluster names', () => {
  const s = apiserverSANs({ ...opts, extraSANs: ['api.example.com', '198.51.100.7'] });
  for (const d of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', 'Host-A', 'api.example.com']) assert.ok(s.dnsNames.includes(d), d);
  assert.deepEqual(s.ipAddresses, ['10.96.0.1', '192.0.2.10', '127.0.0.1', '198.51.100.7']);
});

test('plan: component identities as upstream', () => {
  const byName = new Map(planCerts(opts).map((p) => [p.name, p]));
  const table: [string, string, string[], 'ca' | 'etcd/ca'][] = [
    ['admin', 'kubernetes-admin', ['system:masters'], 'ca'],
    ['scheduler', 'system:kube-scheduler', [], 'ca'],
    ['controller-manager', 'system:kube-controller-manager', [], 'ca'],
    ['kube-proxy', 'system:kube-proxy', [], 'ca'],
    ['kubelet-client', 'system:node:node-a', ['system:nodes'], 'ca'],
    ['apiserver-etcd-client', 'kube-apiserver-etcd-client', [], 'etcd/ca'],
  ];
  for (const [name, cn, orgs, signer] of table) {
    const p = byName.get(name)!;
    assert.equal(p.spec.commonName, cn, name);
    assert.deepEqual(p.spec.organizations ?? [], orgs, name);
    assert.equal(p.signer, signer, name);
  }
});

test('issued leaf carries subject and SANs and verifies against its CA only', async () => {
  const ca = await createCA('kubernetes');
  const other = await createCA('other');
  const leaf = await issueCert(ca, { commonName: 'alice', organizations: ['dev', 'ops'], dnsNames: ['a.example'], ipAddresses: ['10.0.0.1'], usages: ['client', 'server'] });
  const f = certFacts(leaf.certPem);
  assert.equal(f.commonName, 'alice');
  assert.deepEqual(f.organizations, ['dev', 'ops']);
  assert.deepEqual(f.dnsNames, ['a.example']);
  assert.deepEqual(f.ipAddresses, ['10.0.0.1']);
  assert.equal(f.isCA, false);
  assert.equal(certFacts(ca.certPem).isCA, true);
  assert.ok(isValidFrom(leaf.certPem, ca.certPem));
  assert.ok(!isValidFrom(leaf.certPem, other.certPem));
  assert.ok(!isValidFrom(leaf.certPem, ca.certPem, new Date(Date.now() + 400 * 86_400_000)));
  assert.match(leaf.keyPem, /BEGIN PRIVATE KEY/);
});

test('ensurePki writes everything once, keeps valid certs, reissues a changed or foreign one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-pki-'));
  try {
    const first = await ensurePki(dir, opts);
    assert.equal(first.issued.length, planCerts(opts).length + 2);
    assert.equal(fs.statSync(first.certs.admin!.key).mode & 0o777, 0o600);
    const again = await ensurePki(dir, opts);
    assert.deepEqual(again.issued, []);
    const moved = await ensurePki(dir, { ...opts, nodeIPs: ['192.0.2.11'] });
    assert.ok(moved.issued.includes('apiserver') && moved.issued.includes('kubelet'));
    assert.ok(!moved.issued.includes('admin'));
    const foreign = await issueCert(await createCA('x'), { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
    fs.writeFileSync(first.certs.admin!.cert, foreign.certPem);
    assert.deepEqual((await ensurePki(dir, { ...opts, nodeIPs: ['192.0.2.11'] })).issued, ['admin']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
