// `kubets install`: writes systemd units for a real machine — `--role server` (etcd, apiserver,
// controller-manager, scheduler, DNS, containerd, kubelet, proxy) or `--role worker` (containerd,
// kubelet, proxy pointed at `--server`) — plus the kubeconfig the components read, and prints the
// commands that start them. docs/multi-node.md walks through a server and a joining worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { renderInstall, unitName, unitSpecs, type InstallConfig } from '../install/units.js';
import { kubeDnsEndpoints, kubeDnsService } from '../up/cluster-objects.js';
import { prepareSecureUp } from '../up/secure.js';
import { renderKubeconfig } from '../up/kubeconfig.js';
import { KUBETS_BIN, nodeAddress } from './up.js';
import { flagInt, flagOptional, flagString, parseFlags } from '../util/flags.js';

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    known: ['role', 'server', 'state-dir', 'node-name', 'node-ip', 'bind-address', 'apiserver-port', 'etcd-port', 'cluster-cidr', 'pod-cidr', 'cluster-dns', 'unit-dir', 'etcd', 'containerd', 'dry-run'],
    booleans: ['dry-run'],
  });
  const role = flagString(f, 'role', 'server');
  if (role !== 'server' && role !== 'worker') throw new Error('--role must be server or worker');
  const nodeIP = flagOptional(f, 'node-ip') ?? nodeAddress();
  const apiPort = flagInt(f, 'apiserver-port', 6443);
  const server = flagOptional(f, 'server');
  if (role === 'worker' && !server) throw new Error('--server http://<server-address>:<port> is required for a worker');
  const stateDir = path.resolve(flagString(f, 'state-dir', '/var/lib/kubets'));
  const cfg: InstallConfig = {
    role,
    node: process.execPath,
    kubets: KUBETS_BIN,
    root: path.resolve(path.dirname(KUBETS_BIN), '..'),
    stateDir,
    nodeName: flagString(f, 'node-name', os.hostname()).toLowerCase(),
    nodeIP,
    serverURL: server ?? `https://${nodeIP}:${apiPort}`,
    bindAddress: flagString(f, 'bind-address', '0.0.0.0'),
    apiPort,
    etcdPort: flagInt(f, 'etcd-port', 2379),
    clusterCIDR: flagString(f, 'cluster-cidr', '10.244.0.0/16'),
    podCIDR: flagString(f, 'pod-cidr', role === 'server' ? '10.244.0.0/24' : '10.244.1.0/24'),
    clusterDNS: flagString(f, 'cluster-dns', '10.96.0.10'),
    etcdBinary: flagString(f, 'etcd', '/usr/bin/etcd'),
    containerdBinary: flagString(f, 'containerd', '/usr/bin/containerd'),
  };
  const unitDir = flagString(f, 'unit-dir', '/etc/systemd/system');
  // A server gets the same PKI, per-component kubeconfigs and TLS flags as `kubets up`.
  if (role === 'server' && !f.values.has('dry-run')) {
    const sec = await prepareSecureUp({ stateDir, nodeName: cfg.nodeName, nodeIP, apiPort, etcdPort: cfg.etcdPort });
    cfg.tls = { etcdArgs: sec.etcdArgs, apiserverArgs: sec.apiserverArgs, kubeletArgs: sec.kubeletArgs, kubeconfigs: sec.kubeconfigs };
  }
  const files = renderInstall(cfg, unitDir);
  if (role === 'worker') files.push({ path: path.join(stateDir, 'kubeconfig'), content: renderKubeconfig({ server: cfg.serverURL }), mode: 0o600 });
  if (role === 'server') {
    const eps = kubeDnsEndpoints(nodeIP, cfg.nodeName);
    files.push({ path: path.join(stateDir, 'manifests', 'kube-dns.yaml'), content: [kubeDnsService(cfg.clusterDNS), eps.endpoints, eps.slice].map((o) => stringify(o)).join('---\n'), mode: 0o644 });
  }
  const out = process.stdout;
  for (const file of files) {
    if (f.values.has('dry-run')) {
      out.write(`# ${file.path}\n${file.content}\n`);
      continue;
    }
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(file.path, file.content, { mode: file.mode });
    out.write(`wrote ${file.path}\n`);
  }
  const units = unitSpecs(cfg).map((u) => unitName(u.name)).join(' ');
  out.write(`\nStart it:\n  systemctl daemon-reload\n  systemctl enable --now ${units}\n`);
  if (role === 'server') out.write(`Then, once:\n  kubectl --kubeconfig ${path.join(stateDir, 'kubeconfig')} apply -f ${path.join(stateDir, 'manifests', 'kube-dns.yaml')}\nJoin a worker (on that machine):\n  kubets install --role worker --server ${cfg.serverURL} --pod-cidr 10.244.1.0/24\n`);
  else out.write(`Route pod traffic between nodes (see docs/multi-node.md), then: kubectl get nodes\n`);
  return 0;
}
