// The credentials a joining worker needs, issued on the server from the cluster CA (no I/O but
// the crypto): the kubelet's client identity (`system:node:<name>` in `system:nodes`, which the
// Node authorizer and NodeRestriction scope to that node), the proxy's (`system:kube-proxy`), the
// kubelet's serving certificate for the node's addresses, and ready-to-copy kubeconfigs naming
// the server's advertised address with the CA embedded.
import { issueCert, type KeyPair } from './issue.js';
import { planCerts, type PlannedCert } from './plan.js';
import { renderKubeconfig } from '../up/kubeconfig.js';

/** Which worker a bundle is for and where its components reach the apiserver. */
export interface NodeBundleOptions {
  nodeName: string;
  /** Addresses the apiserver reaches the kubelet on (its serving certificate names them). */
  nodeIPs: string[];
  /** The apiserver URL as the worker reaches it (the server's advertise address). */
  server: string;
  now?: Date;
}

/** One file of a bundle, by name inside the bundle directory. */
export interface BundleFile {
  name: string;
  content: string;
  mode: number;
}

/** File names inside a join bundle. */
export const BUNDLE = { ca: 'ca.crt', kubeletConf: 'kubelet.conf', proxyConf: 'proxy.conf', servingCert: 'kubelet.crt', servingKey: 'kubelet.key' } as const;

/** The node certificates, in the same shape as the server's own node gets from `planCerts` (pure). */
export function planNodeCerts(nodeName: string, nodeIPs: string[]): PlannedCert[] {
  const wanted = ['kubelet-client', 'kube-proxy', 'kubelet'];
  return planCerts({ nodeName, nodeIPs, hostname: nodeName, serviceIP: '' }).filter((p) => wanted.includes(p.name));
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * 1. issue the three node certificates from `ca`; 2. render the kubelet and proxy kubeconfigs
 * with the CA and their client certificate embedded; 3. return every file of the bundle.
 */
export async function issueNodeBundle(ca: KeyPair, o: NodeBundleOptions): Promise<BundleFile[]> {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.nodeName)) throw new Error(`node name ${JSON.stringify(o.nodeName)} is not a valid DNS subdomain`);
  if (!/^https:\/\//.test(o.server)) throw new Error(`--server must be an https:// URL, got ${JSON.stringify(o.server)}`);
  const issued = new Map<string, KeyPair>();
  for (const p of planNodeCerts(o.nodeName, o.nodeIPs)) issued.set(p.name, await issueCert(ca, p.spec, { now: o.now }));
  const conf = (certName: string, user: string) => {
    const kp = issued.get(certName)!;
    return renderKubeconfig({ server: o.server, name: 'kubets', user, caData: b64(ca.certPem), certData: b64(kp.certPem), keyData: b64(kp.keyPem) });
  };
  return [
    { name: BUNDLE.ca, content: ca.certPem, mode: 0o644 },
    { name: BUNDLE.kubeletConf, content: conf('kubelet-client', `system:node:${o.nodeName}`), mode: 0o600 },
    { name: BUNDLE.proxyConf, content: conf('kube-proxy', 'system:kube-proxy'), mode: 0o600 },
    { name: BUNDLE.servingCert, content: issued.get('kubelet')!.certPem, mode: 0o644 },
    { name: BUNDLE.servingKey, content: issued.get('kubelet')!.keyPem, mode: 0o600 },
  ];
}
