import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { createCA } from '../pki/issue.js';
import { BUNDLE, issueNodeBundle } from '../pki/node-bundle.js';
import { workerCredentials } from './join.js';
import { renderInstall, type InstallConfig } from './units.js';

async function bundle(): Promise<Map<string, string>> {
  const files = await issueNodeBundle(await createCA('kubernetes'), { nodeName: 'w1', nodeIPs: ['192.0.2.11'], server: 'https://192.0.2.10:6443' });
  return new Map(files.map((f) => [f.name, f.content]));
}

test('workerCredentials: files under the state dir, node name from the bundle, units wired to them', async () => {
  const b = await bundle();
  const w = workerCredentials(b, { stateDir: '/var/lib/kubets', nodeIP: '192.0.2.11' });
  assert.equal(w.nodeName, 'w1');
  assert.equal(w.server, 'https://192.0.2.10:6443');
  assert.deepEqual(w.warnings, []);
  assert.deepEqual(w.files.map((f) => [f.path, f.mode]), [
    ['/var/lib/kubets/pki/ca.crt', 0o644], ['/var/lib/kubets/pki/kubelet.crt', 0o644], ['/var/lib/kubets/pki/kubelet.key', 0o600],
    ['/var/lib/kubets/kubeconfigs/kubelet.conf', 0o600], ['/var/lib/kubets/kubeconfigs/proxy.conf', 0o600],
  ]);
  const cfg: InstallConfig = {
    role: 'worker', node: '/usr/bin/node', kubets: '/opt/kubets/bin/kubets', root: '/opt/kubets', stateDir: '/var/lib/kubets', nodeName: w.nodeName, nodeIP: '192.0.2.11', serverURL: w.server,
    bindAddress: '0.0.0.0', apiPort: 6443, etcdPort: 2379, clusterCIDR: '10.244.0.0/16', podCIDR: '10.244.1.0/24', clusterDNS: '10.96.0.10', etcdBinary: '/usr/bin/etcd', containerdBinary: '/usr/bin/containerd', tls: w.tls,
  };
  const units = new Map(renderInstall(cfg, '/u').map((f) => [f.path, f.content]));
  assert.match(units.get('/u/kubets-kubelet.service')!, /kubelet --kubeconfig \/var\/lib\/kubets\/kubeconfigs\/kubelet\.conf --tls-cert-file \/var\/lib\/kubets\/pki\/kubelet\.crt --tls-private-key-file \/var\/lib\/kubets\/pki\/kubelet\.key --client-ca-file \/var\/lib\/kubets\/pki\/ca\.crt --node-name w1 /);
  assert.match(units.get('/u/kubets-proxy.service')!, /proxy --kubeconfig \/var\/lib\/kubets\/kubeconfigs\/proxy\.conf --hostname-override w1 /);
});

test('workerCredentials: --server overrides both kubeconfigs; a mismatched node, a missing file, a foreign IP', async () => {
  const b = await bundle();
  const w = workerCredentials(b, { stateDir: '/s', server: 'https://lb.example:6443' });
  for (const f of w.files.filter((x) => x.path.endsWith('.conf'))) assert.equal(parse(f.content).clusters[0].cluster.server, 'https://lb.example:6443');
  assert.throws(() => workerCredentials(b, { stateDir: '/s', nodeName: 'w2' }), /bundle is for node "w1", not "w2"/);
  const partial = new Map(b);
  partial.delete(BUNDLE.proxyConf);
  assert.throws(() => workerCredentials(partial, { stateDir: '/s' }), /missing proxy\.conf/);
  assert.match(workerCredentials(b, { stateDir: '/s', nodeIP: '192.0.2.99' }).warnings[0]!, /serving certificate names 192\.0\.2\.11, 127\.0\.0\.1, not 192\.0\.2\.99/);
});
