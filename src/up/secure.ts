// The security wiring of `kubets up`: the PKI in <state-dir>/pki, one kubeconfig per component
// with embedded certificates (<state-dir>/kubeconfigs/<name>.conf), the admin kubeconfig, and
// the TLS flags of etcd, the apiserver and the kubelet.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RestClientset } from '../client/rest.js';
import { ensurePki, type PkiResult } from '../pki/store.js';
import { writeKubeconfigFile } from './kubeconfig.js';

export interface SecureUpOptions {
  stateDir: string;
  nodeName: string;
  nodeIP: string;
  apiPort: number;
  etcdPort: number;
  /** The address other machines reach the apiserver on, when not the node IP (a serving SAN too). */
  advertiseAddress?: string;
}

/** Components that get their own kubeconfig, by the PKI name of their client certificate. */
const COMPONENTS = { 'controller-manager': 'controller-manager', scheduler: 'scheduler', kubelet: 'kubelet-client', proxy: 'kube-proxy', dns: 'kube-dns' } as const;

export interface SecureUp {
  pki: PkiResult;
  apiUrl: string;
  etcdUrl: string;
  /** The admin kubeconfig (<state-dir>/kubeconfig). */
  adminKubeconfig: string;
  /** Kubeconfig path of each component. */
  kubeconfigs: Record<keyof typeof COMPONENTS, string>;
  etcdArgs: string[];
  apiserverArgs: string[];
  kubeletArgs: string[];
  /** A clientset authenticated as the cluster admin. */
  adminClient(userAgent: string): RestClientset;
}

const b64 = (file: string) => fs.readFileSync(file).toString('base64');

/**
 * 1. certificates (kept when still valid); 2. kubeconfigs with embedded CA, cert and key;
 * 3. the flags each process needs.
 */
export async function prepareSecureUp(o: SecureUpOptions): Promise<SecureUp> {
  const pki = await ensurePki(path.join(o.stateDir, 'pki'), { nodeName: o.nodeName, nodeIPs: [o.nodeIP], hostname: os.hostname(), serviceIP: '10.96.0.1', extraSANs: o.advertiseAddress && o.advertiseAddress !== o.nodeIP ? [o.advertiseAddress] : [] });
  const apiUrl = `https://127.0.0.1:${o.apiPort}`;
  const etcdUrl = `https://127.0.0.1:${o.etcdPort}`;
  const c = pki.certs;
  const file = (name: string) => c[name]!;
  const writeFor = (to: string, certName: string, user: string) =>
    writeKubeconfigFile(to, { server: apiUrl, name: 'kubets', user, caData: b64(pki.ca.cert), certData: b64(file(certName).cert), keyData: b64(file(certName).key) });
  const dir = path.join(o.stateDir, 'kubeconfigs');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const kubeconfigs = {} as Record<keyof typeof COMPONENTS, string>;
  for (const [component, certName] of Object.entries(COMPONENTS) as [keyof typeof COMPONENTS, string][]) {
    kubeconfigs[component] = path.join(dir, `${component}.conf`);
    writeFor(kubeconfigs[component], certName, component);
  }
  const adminKubeconfig = path.join(o.stateDir, 'kubeconfig');
  writeFor(adminKubeconfig, 'admin', 'admin');
  const etcd = file('etcd/server');
  const peer = file('etcd/peer');
  return {
    pki,
    apiUrl,
    etcdUrl,
    adminKubeconfig,
    kubeconfigs,
    etcdArgs: [
      '--cert-file', etcd.cert, '--key-file', etcd.key, '--trusted-ca-file', pki.etcdCA.cert, '--client-cert-auth',
      '--peer-cert-file', peer.cert, '--peer-key-file', peer.key, '--peer-trusted-ca-file', pki.etcdCA.cert, '--peer-client-cert-auth',
    ],
    apiserverArgs: [
      '--secure-port', String(o.apiPort), '--bind-address', '0.0.0.0',
      '--tls-cert-file', file('apiserver').cert, '--tls-private-key-file', file('apiserver').key, '--client-ca-file', pki.ca.cert,
      '--anonymous-auth=false', '--authorization-mode', 'Node,RBAC',
      '--etcd-cafile', pki.etcdCA.cert, '--etcd-certfile', file('apiserver-etcd-client').cert, '--etcd-keyfile', file('apiserver-etcd-client').key,
      '--kubelet-certificate-authority', pki.ca.cert, '--kubelet-client-certificate', file('apiserver-kubelet-client').cert, '--kubelet-client-key', file('apiserver-kubelet-client').key,
    ],
    kubeletArgs: ['--tls-cert-file', file('kubelet').cert, '--tls-private-key-file', file('kubelet').key, '--client-ca-file', pki.ca.cert],
    adminClient: (userAgent) => new RestClientset({
      server: apiUrl, userAgent, caData: fs.readFileSync(pki.ca.cert), certData: fs.readFileSync(file('admin').cert), keyData: fs.readFileSync(file('admin').key),
    }),
  };
}

/** True when GET /readyz through `cs` answers 200. */
export async function apiReady(cs: RestClientset): Promise<boolean> {
  try {
    return (await cs.raw('GET', '/readyz')).status === 200;
  } catch {
    return false;
  }
}

/** True when etcd answers /health over TLS with the apiserver's etcd client certificate. */
export async function etcdReady(s: SecureUp): Promise<boolean> {
  const c = new RestClientset({
    server: s.etcdUrl, caData: fs.readFileSync(s.pki.etcdCA.cert), certData: fs.readFileSync(s.pki.certs['apiserver-etcd-client']!.cert), keyData: fs.readFileSync(s.pki.certs['apiserver-etcd-client']!.key), maxRetries: 0, timeoutMs: 2000,
  });
  try {
    const r = await c.raw('GET', '/health');
    return r.status === 200;
  } catch {
    return false;
  } finally {
    c.close();
  }
}
