import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { certFacts, createCA, isValidFrom } from './issue.js';
import { BUNDLE, issueNodeBundle, planNodeCerts } from './node-bundle.js';

test('planNodeCerts: the kubelet and proxy identities and the kubelet serving cert of one node', () => {
  const plan = new Map(planNodeCerts('w1', ['192.0.2.11']).map((p) => [p.name, p.spec]));
  assert.deepEqual([...plan.keys()].sort(), ['kube-proxy', 'kubelet', 'kubelet-client']);
  assert.deepEqual(plan.get('kubelet-client'), { commonName: 'system:node:w1', organizations: ['system:nodes'], usages: ['client'] });
  assert.equal(plan.get('kube-proxy')!.commonName, 'system:kube-proxy');
  assert.deepEqual(plan.get('kubelet')!.ipAddresses, ['192.0.2.11', '127.0.0.1']);
  assert.deepEqual(plan.get('kubelet')!.usages, ['server']);
});

test('issueNodeBundle: kubeconfigs name the server, embed the CA and a client cert signed by it; keys are 0600', async () => {
  const ca = await createCA('kubernetes');
  const files = new Map((await issueNodeBundle(ca, { nodeName: 'w1', nodeIPs: ['192.0.2.11'], server: 'https://192.0.2.10:6443' })).map((f) => [f.name, f]));
  assert.deepEqual([...files.keys()].sort(), Object.values(BUNDLE).sort());
  assert.equal(files.get(BUNDLE.ca)!.content, ca.certPem);
  for (const n of [BUNDLE.kubeletConf, BUNDLE.proxyConf, BUNDLE.servingKey]) assert.equal(files.get(n)!.mode, 0o600, n);
  const cases: { file: string; cn: string; orgs: string[] }[] = [
    { file: BUNDLE.kubeletConf, cn: 'system:node:w1', orgs: ['system:nodes'] },
    { file: BUNDLE.proxyConf, cn: 'system:kube-proxy', orgs: [] },
  ];
  for (const c of cases) {
    const doc = parse(files.get(c.file)!.content);
    assert.equal(doc.clusters[0].cluster.server, 'https://192.0.2.10:6443');
    assert.equal(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), ca.certPem);
    const cert = Buffer.from(doc.users[0].user['client-certificate-data'], 'base64').toString();
    assert.ok(isValidFrom(cert, ca.certPem), c.file);
    assert.equal(certFacts(cert).commonName, c.cn);
    assert.deepEqual(certFacts(cert).organizations, c.orgs);
    assert.match(Buffer.from(doc.users[0].user['client-key-data'], 'base64').toString(), /BEGIN PRIVATE KEY/);
  }
  const serving = certFacts(files.get(BUNDLE.servingCert)!.content);
  assert.equal(serving.commonName, 'w1');
  assert.ok(serving.ipAddresses.includes('192.0.2.11'));
});

test('issueNodeBundle refuses a bad node name or a plain-HTTP server', async () => {
  const ca = await createCA('kubernetes');
  await assert.rejects(issueNodeBundle(ca, { nodeName: 'W_1', nodeIPs: ['192.0.2.11'], server: 'https://x:6443' }), /not a valid DNS subdomain/);
  await assert.rejects(issueNodeBundle(ca, { nodeName: 'w1', nodeIPs: ['192.0.2.11'], server: 'http://x:8080' }), /https/);
});
