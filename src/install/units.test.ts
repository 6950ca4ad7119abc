import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteArg, renderInstall, renderUnit, unitSpecs, type InstallConfig } from './units.js';

const base: InstallConfig = {
  role: 'server', node: '/usr/bin/node', kubets: '/opt/kubets/bin/kubets', root: '/opt/kubets', stateDir: '/var/lib/kubets',
  nodeName: 'srv', nodeIP: '192.0.2.10', serverURL: 'http://192.0.2.10:8080', bindAddress: '0.0.0.0', apiPort: 8080, etcdPort: 2379,
  clusterCIDR: '10.244.0.0/16', podCIDR: '10.244.0.0/24', clusterDNS: '10.96.0.10', etcdBinary: '/usr/bin/etcd', containerdBinary: '/usr/bin/containerd',
};

test('quoteArg', () => {
  const cases: [string, string][] = [['--flag', '--flag'], ['a b', '"a b"'], ['50%', '50%%'], ['say "hi"', '"say \\"hi\\""'], ['unix:///run/x.sock', 'unix:///run/x.sock']];
  for (const [in_, want] of cases) assert.equal(quoteArg(in_), want, in_);
});

test('roles: a server runs the control plane and a node; a worker only the node', () => {
  const cases: { role: InstallConfig['role']; want: string[] }[] = [
    { role: 'server', want: ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'dns', 'containerd', 'kubelet', 'proxy'] },
    { role: 'worker', want: ['containerd', 'kubelet', 'proxy'] },
  ];
  for (const c of cases) assert.deepEqual(unitSpecs({ ...base, role: c.role }).map((u) => u.name), c.want, c.role);
});

test('unit files: paths, ordering, restart, flags from the config', () => {
  const files = renderInstall(base, '/etc/systemd/system');
  const byName = new Map(files.map((f) => [f.path.split('/').pop()!, f.content]));
  assert.deepEqual([...byName.keys()].sort(), ['kubets-apiserver.service', 'kubets-containerd.service', 'kubets-controller-manager.service', 'kubets-dns.service', 'kubets-etcd.service', 'kubets-kubelet.service', 'kubets-proxy.service', 'kubets-scheduler.service']);
  const api = byName.get('kubets-apiserver.service')!;
  assert.match(api, /^After=kubets-etcd\.service$/m);
  assert.match(api, /^Requires=kubets-etcd\.service$/m);
  assert.match(api, /^ExecStart=\/usr\/bin\/node \/opt\/kubets\/bin\/kubets apiserver --etcd-servers http:\/\/127\.0\.0\.1:2379 --insecure-bind-address 127\.0\.0\.1 --insecure-port 8080 --advertise-address 192\.0\.2\.10$/m);
  assert.match(api, /^Restart=always$/m);
  assert.match(api, /^WantedBy=multi-user\.target$/m);
  const ctr = byName.get('kubets-containerd.service')!;
  assert.match(ctr, /^ExecStartPre=\/bin\/bash \/opt\/kubets\/hack\/containerd\.sh --write-config$/m);
  assert.match(ctr, /^Environment=KUBETS_POD_CIDR=10\.244\.0\.0\/24$/m);
  assert.match(ctr, /^KillMode=process$/m);
  assert.match(byName.get('kubets-dns.service')!, /--listen 192\.0\.2\.10:53/);
});

test('a worker points its kubelet and proxy at the server kubeconfig and uses its own pod CIDR', () => {
  const files = renderInstall({ ...base, role: 'worker', nodeName: 'w1', nodeIP: '192.0.2.11', podCIDR: '10.244.1.0/24' }, '/etc/systemd/system');
  const kubelet = files.find((f) => f.path.endsWith('kubets-kubelet.service'))!.content;
  assert.match(kubelet, /kubelet --kubeconfig \/var\/lib\/kubets\/kubeconfig --node-name w1 --node-ip 192\.0\.2\.11 .* --pod-cidr 10\.244\.1\.0\/24$/m);
  assert.match(kubelet, /^Requires=kubets-containerd\.service$/m);
  assert.ok(!files.some((f) => /etcd|apiserver/.test(f.path)));
});

test('renderUnit sections', () => {
  const text = renderUnit({ name: 'x', description: 'x thing', exec: ['/bin/x', 'a b'], after: [] });
  assert.equal(text, '[Unit]\nDescription=kubets x thing\n\n[Service]\nType=simple\nExecStart=/bin/x "a b"\nRestart=always\nRestartSec=2\n\n[Install]\nWantedBy=multi-user.target\n');
});

test('a server with TLS: https etcd with its flags, the secure apiserver port on the bind address, one kubeconfig per component', () => {
  const tls = {
    etcdArgs: ['--cert-file', '/pki/etcd.crt'], apiserverArgs: ['--secure-port', '6443', '--tls-cert-file', '/pki/api.crt'], kubeletArgs: ['--tls-cert-file', '/pki/kubelet.crt'],
    kubeconfigs: { 'controller-manager': '/k/cm.conf', scheduler: '/k/s.conf', kubelet: '/k/kubelet.conf', proxy: '/k/proxy.conf', dns: '/k/dns.conf' },
  };
  const files = new Map(renderInstall({ ...base, tls }, '/u').map((f) => [f.path, f.content]));
  assert.match(files.get('/u/kubets-etcd.service')!, /--listen-client-urls https:\/\/127\.0\.0\.1:2379 .* --cert-file \/pki\/etcd\.crt$/m);
  assert.match(files.get('/u/kubets-apiserver.service')!, /apiserver --etcd-servers https:\/\/127\.0\.0\.1:2379 --secure-port 6443 --tls-cert-file \/pki\/api\.crt --bind-address 0\.0\.0\.0 --advertise-address 192\.0\.2\.10$/m);
  assert.doesNotMatch(files.get('/u/kubets-apiserver.service')!, /insecure/);
  assert.match(files.get('/u/kubets-kubelet.service')!, /kubelet --kubeconfig \/k\/kubelet\.conf --tls-cert-file \/pki\/kubelet\.crt --node-name srv/);
  for (const [unit, conf] of [['scheduler', 's'], ['controller-manager', 'cm'], ['proxy', 'proxy'], ['dns', 'dns']]) assert.match(files.get(`/u/kubets-${unit}.service`)!, new RegExp(`--kubeconfig /k/${conf}\\.conf`), unit);
});
