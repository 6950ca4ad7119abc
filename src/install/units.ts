// systemd units for real machines (pure rendering): a server runs etcd, the apiserver, the
// controller-manager, the scheduler, DNS and — like every node — containerd, the kubelet and the
// proxy; a worker runs containerd, the kubelet and the proxy pointed at the server.

/** What `kubets install` knows about the machine it writes units for. */
export interface InstallConfig {
  role: 'server' | 'worker';
  /** Absolute path of node and of bin/kubets. */
  node: string;
  kubets: string;
  /** Repository root (hack/containerd.sh writes the containerd config). */
  root: string;
  stateDir: string;
  nodeName: string;
  /** This machine's address other machines reach. */
  nodeIP: string;
  /** The apiserver URL every component's kubeconfig names (server: http://<advertise>:<port>). */
  serverURL: string;
  /** Server only: the address the apiserver listens on (0.0.0.0 for workers to reach it). */
  bindAddress: string;
  apiPort: number;
  etcdPort: number;
  clusterCIDR: string;
  /** This node's slice of the cluster CIDR (each node a different one). */
  podCIDR: string;
  clusterDNS: string;
  etcdBinary: string;
  containerdBinary: string;
  /** TLS everywhere: a server's from the PKI `kubets up` also uses, a worker's from its join bundle; absent, one plain kubeconfig. */
  tls?: InstallTls;
}

/** The TLS wiring of a server: flags per process and one kubeconfig per component. */
export interface InstallTls {
  etcdArgs: string[];
  apiserverArgs: string[];
  kubeletArgs: string[];
  /** Every node has the kubelet's and the proxy's; a server also the control plane's. */
  kubeconfigs: Record<'kubelet' | 'proxy', string> & Partial<Record<'controller-manager' | 'scheduler' | 'dns', string>>;
}

/** One file to write. */
export interface RenderedFile {
  path: string;
  content: string;
  mode: number;
}

interface UnitSpec {
  name: string;
  description: string;
  exec: string[];
  after: string[];
  requires?: string[];
  env?: Record<string, string>;
  pre?: string[][];
  limitNoFile?: boolean;
  killMode?: 'process';
}

/** systemd quoting: arguments with spaces or specials in double quotes, `%` doubled. */
export function quoteArg(a: string): string {
  const s = a.replace(/%/g, '%%');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

/** Renders one service unit (pure). */
export function renderUnit(u: UnitSpec): string {
  const lines = ['[Unit]', `Description=kubets ${u.description}`];
  if (u.after.length) lines.push(`After=${u.after.join(' ')}`, `Wants=${u.after.join(' ')}`);
  if (u.requires?.length) lines.push(`Requires=${u.requires.join(' ')}`);
  lines.push('', '[Service]', 'Type=simple');
  for (const [k, v] of Object.entries(u.env ?? {})) lines.push(`Environment=${quoteArg(`${k}=${v}`)}`);
  for (const p of u.pre ?? []) lines.push(`ExecStartPre=${p.map(quoteArg).join(' ')}`);
  lines.push(`ExecStart=${u.exec.map(quoteArg).join(' ')}`, 'Restart=always', 'RestartSec=2');
  if (u.limitNoFile) lines.push('LimitNOFILE=1048576');
  if (u.killMode) lines.push(`KillMode=${u.killMode}`);
  lines.push('', '[Install]', 'WantedBy=multi-user.target', '');
  return lines.join('\n');
}

/** Unit name of a component. */
export const unitName = (c: string) => `kubets-${c}.service`;

/** The unit specs of a role (pure). */
export function unitSpecs(c: InstallConfig): UnitSpec[] {
  const kubeconfig = (component: keyof InstallTls['kubeconfigs']) => c.tls?.kubeconfigs[component] ?? `${c.stateDir}/kubeconfig`;
  const kubets = (component: string, args: string[]) => [c.node, c.kubets, component, ...args];
  const scheme = c.tls ? 'https' : 'http';
  const etcdUrl = `${scheme}://127.0.0.1:${c.etcdPort}`;
  const peerUrl = `${scheme}://127.0.0.1:${c.etcdPort + 1}`;
  const nodeUnits: UnitSpec[] = [
    {
      name: 'containerd',
      description: 'container runtime (containerd with CRI)',
      // hack/containerd.sh --write-config installs what is missing and writes the config only.
      pre: [['/bin/bash', `${c.root}/hack/containerd.sh`, '--write-config']],
      env: { KUBETS_STATE_DIR: c.stateDir, KUBETS_POD_CIDR: c.podCIDR },
      exec: [c.containerdBinary, '--config', '/etc/kubets/containerd/config.toml'],
      after: ['network-online.target'],
      limitNoFile: true,
      // Containers outlive a containerd restart (their shims stay).
      killMode: 'process',
    },
    {
      name: 'kubelet',
      description: 'node agent',
      exec: kubets('kubelet', ['--kubeconfig', kubeconfig('kubelet'), ...(c.tls?.kubeletArgs ?? []), '--node-name', c.nodeName, '--node-ip', c.nodeIP, '--container-runtime-endpoint', 'unix:///run/containerd/containerd.sock', '--root-dir', `${c.stateDir}/kubelet`, '--cluster-dns', c.clusterDNS, '--cluster-domain', 'cluster.local', '--pod-cidr', c.podCIDR]),
      after: [unitName('containerd')],
      requires: [unitName('containerd')],
    },
    {
      name: 'proxy',
      description: 'service proxy (iptables)',
      exec: kubets('proxy', ['--kubeconfig', kubeconfig('proxy'), '--hostname-override', c.nodeName, '--cluster-cidr', c.clusterCIDR]),
      after: ['network-online.target'],
    },
  ];
  if (c.role === 'worker') return nodeUnits;
  return [
    {
      name: 'etcd',
      description: 'etcd (cluster state)',
      exec: [c.etcdBinary, '--name', 'kubets', '--data-dir', `${c.stateDir}/etcd`, '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl, '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `kubets=${peerUrl}`, '--log-level', 'warn', '--logger', 'zap', ...(c.tls?.etcdArgs ?? [])],
      after: ['network-online.target'],
      limitNoFile: true,
    },
    {
      name: 'apiserver',
      description: 'API server',
      exec: kubets('apiserver', ['--etcd-servers', etcdUrl, ...(c.tls ? [...c.tls.apiserverArgs, '--bind-address', c.bindAddress] : ['--insecure-bind-address', '127.0.0.1', '--insecure-port', String(c.apiPort)]), '--advertise-address', c.nodeIP]),
      after: [unitName('etcd')],
      requires: [unitName('etcd')],
    },
    {
      name: 'controller-manager',
      description: 'controller manager',
      exec: kubets('controller-manager', ['--kubeconfig', kubeconfig('controller-manager'), '--cluster-cidr', c.clusterCIDR, '--node-cidr-mask-size', '24']),
      after: [unitName('apiserver')],
    },
    { name: 'scheduler', description: 'scheduler', exec: kubets('scheduler', ['--kubeconfig', kubeconfig('scheduler')]), after: [unitName('apiserver')] },
    { name: 'dns', description: 'cluster DNS', exec: kubets('dns', ['--kubeconfig', kubeconfig('dns'), '--listen', `${c.nodeIP}:53`, '--cluster-domain', 'cluster.local']), after: [unitName('apiserver')] },
    ...nodeUnits,
  ];
}

/** Every file `kubets install` writes for a role: the units (in `unitDir`) and the kubeconfig. */
export function renderInstall(c: InstallConfig, unitDir: string): RenderedFile[] {
  return unitSpecs(c).map((u) => ({ path: `${unitDir}/${unitName(u.name)}`, content: renderUnit(u), mode: 0o644 }));
}

