// `kubets install`: writes systemd units for a real machine — `--role server` (etcd, apiserver,
// controller-manager, scheduler, DNS, containerd, kubelet, proxy) or `--role worker` (containerd,
// kubelet, proxy, with the credentials of `--join-dir`, the bundle `kubets certs node` wrote on the
// server) — plus the kubeconfigs the components read, and prints the commands that start them.
// docs/multi-node.md walks through a server and a joining worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { renderInstall, unitName, unitSpecs, type InstallConfig } from '../install/units.js';
import { kubeDnsEndpoints, kubeDnsService } from '../up/cluster-objects.js';
import { prepareSecureUp } from '../up/secure.js';
import { workerCredentials } from '../install/join.js';
import { BUNDLE } from '../pki/node-bundle.js';
import { KUBETS_BIN, nodeAddress } from './up.js';
import { flagInt, flagOptional, flagString, parseFlags } from '../util/flags.js';

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    known: ['role', 'server', 'join-dir', 'state-dir', 'node-name', 'node-ip', 'bind-address', 'apiserver-port', 'etcd-port', 'cluster-cidr', 'pod-cidr', 'cluster-dns', 'unit-dir', 'etcd', 'containerd', 'dry-run'],
    booleans: ['dry-run'],
  });
  const role = flagString(f, 'role', 'server');
  if (role !== 'server' && role !== 'worker') throw new Error('--role must be server or worker');
  const nodeIP = flagOptional(f, 'node-ip') ?? nodeAddress();
  const apiPort = flagInt(f, 'apiserver-port', 6443);
  const server = flagOptional(f, 'server');
  const stateDir = path.resolve(flagString(f, 'state-dir', '/var/lib/kubets'));
  // A worker's identity comes from the bundle the server issued for it (`kubets certs node`).
  const joinDir = flagOptional(f, 'join-dir');
  if (role === 'worker' && !joinDir) throw new Error('--join-dir is required for a worker: on the server run `kubets certs node --node-name <name> --node-ip <worker-ip> --server https://<server-address>:6443 --out <dir>` and copy <dir> here');
  const join = role === 'worker' && joinDir
    ? workerCredentials(new Map(Object.values(BUNDLE).filter((n) => fs.existsSync(path.join(joinDir, n))).map((n) => [n, fs.readFileSync(path.join(joinDir, n), 'utf8')])), { stateDir, server, nodeName: flagOptional(f, 'node-name')?.toLowerCase(), nodeIP })
    : undefined;
  const cfg: InstallConfig = {
    role,
    node: process.execPath,
    kubets: KUBETS_BIN,
    root: path.resolve(path.dirname(KUBETS_BIN), '..'),
    stateDir,
    nodeName: join?.nodeName ?? flagString(f, 'node-name', os.hostname()).toLowerCase(),
    nodeIP,
    serverURL: join?.server ?? server ?? `https://${nodeIP}:${apiPort}`,
    bindAddress: flagString(f, 'bind-address', '0.0.0.0'),
    apiPort,
    etcdPort: flagInt(f, 'etcd-port', 2379),
    clusterCIDR: flagString(f, 'cluster-cidr', '10.244.0.0/16'),
    podCIDR: flagString(f, 'pod-cidr', role === 'server' ? '10.244.0.0/24' : '10.244.1.0/24'),
    clusterDNS: flagString(f, 'cluster-dns', '10.96.0.10'),
    etcdBinary: flagString(f, 'etcd', '/usr/bin/etcd'),
    containerdBinary: flagString(f, 'containerd', '/usr/bin/containerd'),
    tls: join?.tls,
  };
  const unitDir = flagString(f, 'unit-dir', '/etc/systemd/system');
  // A server gets the same PKI, per-component kubeconfigs and TLS flags as `kubets up`.
  if (role === 'server' && !f.values.has('dry-run')) {
    const sec = await prepareSecureUp({ stateDir, nodeName: cfg.nodeName, nodeIP, apiPort, etcdPort: cfg.etcdPort });
    cfg.tls = { etcdArgs: sec.etcdArgs, apiserverArgs: sec.apiserverArgs, kubeletArgs: sec.kubeletArgs, kubeconfigs: sec.kubeconfigs };
  }
  const files = renderInstall(cfg, unitDir);
  if (join) files.push(...join.files);
  if (role === 'server') {
    const eps = kubeDnsEndpoints(nodeIP, cfg.nodeName);
    files.push({ path: path.join(stateDir, 'manifests', 'kube-dns.yaml'), content: [kubeDnsService(cfg.clusterDNS), eps.endpoints, eps.slice].map((o) => stringify(o)).join('---\n'), mode: 0o644 });
  }
  const out = process.stdout;
  for (const file of files) {
    if (f.values.has('dry-run')) {
      // Keys and kubeconfigs with keys (mode 0600) are not printed.
      out.write(file.mode & 0o077 ? `# ${file.path}\n${file.content}\n` : `# ${file.path} (${file.content.length} bytes, secret, not shown)\n`);
      continue;
    }
    fs.mkdirSync(path.dirname(file.path), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file.path, file.content, { mode: file.mode });
    fs.chmodSync(file.path, file.mode);
    out.write(`wrote ${file.path}\n`);
  }
  const units = unitSpecs(cfg).map((u) => unitName(u.name)).join(' ');
  out.write(`\nStart it:\n  systemctl daemon-reload\n  systemctl enable --now ${units}\n`);
  if (role === 'server') {
    out.write(`Then, once:\n  kubectl --kubeconfig ${path.join(stateDir, 'kubeconfig')} apply -f ${path.join(stateDir, 'manifests', 'kube-dns.yaml')}\n`);
    out.write(`Join a worker: here, issue its credentials\n  kubets certs node --dir ${path.join(stateDir, 'pki')} --node-name w1 --node-ip <worker-ip> --server ${cfg.serverURL} --out ./w1\n`);
    out.write(`copy ./w1 to the worker, and there:\n  kubets install --role worker --join-dir ./w1 --node-ip <worker-ip> --pod-cidr 10.244.1.0/24\n`);
  } else {
    for (const w of join?.warnings ?? []) out.write(`warning: ${w}\n`);
    out.write(`Node ${cfg.nodeName} joins ${cfg.serverURL}. Route pod traffic between nodes (see docs/multi-node.md), then on the server: kubectl get nodes\n`);
  }
  return 0;
}
