// A worker's side of a join (pure over the bundle's contents): checks the bundle `kubets certs
// node` wrote on the server, optionally points its kubeconfigs at another server URL, and says
// where each file goes under the worker's state dir and which TLS flags its units get.
import { parse, stringify } from 'yaml';
import { certFacts } from '../pki/issue.js';
import { BUNDLE } from '../pki/node-bundle.js';
import type { InstallTls, RenderedFile } from './units.js';

/** What installing a bundle yields: files to write, unit wiring, and facts read from the bundle. */
export interface WorkerCredentials {
  files: RenderedFile[];
  tls: InstallTls;
  /** The node the bundle was issued for (CN `system:node:<name>` of the kubelet's certificate). */
  nodeName: string;
  /** The apiserver URL the kubeconfigs name. */
  server: string;
  /** Things that will not work as the operator probably expects (printed, not fatal). */
  warnings: string[];
}

type Doc = { clusters?: { cluster?: { server?: string } }[]; users?: { user?: Record<string, string> }[] };

function kubeconfigDoc(text: string, file: string): Doc {
  const doc = parse(text) as Doc | null;
  if (!doc?.clusters?.[0]?.cluster?.server || !doc.users?.[0]?.user?.['client-certificate-data']) throw new Error(`join bundle: ${file} is not a kubeconfig with a server and a client certificate`);
  return doc;
}

/**
 * 1. every bundle file present, kubeconfigs well-formed; 2. the node name from the kubelet's
 * certificate (and a mismatch with `nodeName` refused); 3. `server` (when given) replaces the
 * kubeconfigs' server; 4. the files under `<stateDir>/pki` and `<stateDir>/kubeconfigs`.
 */
export function workerCredentials(bundle: Map<string, string>, o: { stateDir: string; server?: string; nodeName?: string; nodeIP?: string }): WorkerCredentials {
  const missing = Object.values(BUNDLE).filter((n) => !bundle.has(n));
  if (missing.length) throw new Error(`join bundle: missing ${missing.join(', ')} (write it on the server with \`kubets certs node\`)`);
  const kubelet = kubeconfigDoc(bundle.get(BUNDLE.kubeletConf)!, BUNDLE.kubeletConf);
  const proxy = kubeconfigDoc(bundle.get(BUNDLE.proxyConf)!, BUNDLE.proxyConf);
  const cn = certFacts(Buffer.from(kubelet.users![0]!.user!['client-certificate-data']!, 'base64').toString()).commonName;
  if (!cn.startsWith('system:node:')) throw new Error(`join bundle: ${BUNDLE.kubeletConf} is for ${JSON.stringify(cn)}, not a node`);
  const nodeName = cn.slice('system:node:'.length);
  if (o.nodeName && o.nodeName !== nodeName) throw new Error(`join bundle is for node ${JSON.stringify(nodeName)}, not ${JSON.stringify(o.nodeName)}; issue one for this node with \`kubets certs node --node-name ${o.nodeName}\``);
  const server = o.server ?? kubelet.clusters![0]!.cluster!.server!;
  for (const doc of [kubelet, proxy]) doc.clusters![0]!.cluster!.server = server;
  const warnings: string[] = [];
  const serving = certFacts(bundle.get(BUNDLE.servingCert)!);
  if (o.nodeIP && !serving.ipAddresses.includes(o.nodeIP)) warnings.push(`the kubelet's serving certificate names ${serving.ipAddresses.join(', ')}, not ${o.nodeIP}: the apiserver will refuse to reach this kubelet (logs, exec) until the bundle is issued with --node-ip ${o.nodeIP}`);
  const pki = `${o.stateDir}/pki`;
  const confs = `${o.stateDir}/kubeconfigs`;
  const tls: InstallTls = {
    etcdArgs: [],
    apiserverArgs: [],
    kubeletArgs: ['--tls-cert-file', `${pki}/kubelet.crt`, '--tls-private-key-file', `${pki}/kubelet.key`, '--client-ca-file', `${pki}/ca.crt`],
    kubeconfigs: { kubelet: `${confs}/kubelet.conf`, proxy: `${confs}/proxy.conf` },
  };
  const files: RenderedFile[] = [
    { path: `${pki}/ca.crt`, content: bundle.get(BUNDLE.ca)!, mode: 0o644 },
    { path: `${pki}/kubelet.crt`, content: bundle.get(BUNDLE.servingCert)!, mode: 0o644 },
    { path: `${pki}/kubelet.key`, content: bundle.get(BUNDLE.servingKey)!, mode: 0o600 },
    { path: tls.kubeconfigs.kubelet, content: stringify(kubelet), mode: 0o600 },
    { path: tls.kubeconfigs.proxy, content: stringify(proxy), mode: 0o600 },
  ];
  return { files, tls, nodeName, server, warnings };
}
