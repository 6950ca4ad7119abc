// The certificate set of a cluster (pure): which CA signs what, with which subject and SANs.
// File layout follows kubeadm's: `<dir>/ca.crt`, `<dir>/apiserver.crt`, `<dir>/etcd/ca.crt`, …
import type { CertSpec } from './issue.js';

/** Inputs that shape the certificate set. */
export interface PkiOptions {
  nodeName: string;
  nodeIPs: string[];
  hostname: string;
  /** First address of the Service CIDR (the `kubernetes` Service). */
  serviceIP: string;
  clusterDomain?: string;
  /** Extra apiserver SANs (DNS names or IPs). */
  extraSANs?: string[];
}

/** One certificate to hold: `name` is the path (without .crt/.key) under the PKI dir. */
export interface PlannedCert {
  name: string;
  /** `ca` (cluster CA) or `etcd/ca` (etcd's own CA, so component certs can never reach etcd). */
  signer: 'ca' | 'etcd/ca';
  spec: CertSpec;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const isIP = (s: string) => IPV4.test(s) || s.includes(':');
const uniq = (xs: string[]) => [...new Set(xs)];

/** The apiserver's serving SANs: Service IP, node IPs, loopback, in-cluster DNS names, hostname. */
export function apiserverSANs(o: PkiOptions): { dnsNames: string[]; ipAddresses: string[] } {
  const domain = o.clusterDomain ?? 'cluster.local';
  const extra = o.extraSANs ?? [];
  return {
    dnsNames: uniq(['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`, 'localhost', o.hostname, o.nodeName, ...extra.filter((s) => !isIP(s))]),
    ipAddresses: uniq([o.serviceIP, ...o.nodeIPs, '127.0.0.1', ...extra.filter(isIP)]),
  };
}

/** Every certificate of a single-control-plane cluster with one node named `o.nodeName`. */
export function planCerts(o: PkiOptions): PlannedCert[] {
  const node = { dnsNames: uniq([o.nodeName, o.hostname, 'localhost']), ipAddresses: uniq([...o.nodeIPs, '127.0.0.1']) };
  const client = (name: string, commonName: string, organizations?: string[]): PlannedCert => ({ name, signer: 'ca', spec: { commonName, organizations, usages: ['client'] } });
  return [
    { name: 'apiserver', signer: 'ca', spec: { commonName: 'kube-apiserver', ...apiserverSANs(o), usages: ['server'] } },
    client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']),
    client('admin', 'kubernetes-admin', ['system:masters']),
    client('scheduler', 'system:kube-scheduler'),
    client('controller-manager', 'system:kube-controller-manager'),
    client('kube-proxy', 'system:kube-proxy'),
    client('kube-dns', 'system:kube-dns'),
    client('kubelet-client', `system:node:${o.nodeName}`, ['system:nodes']),
    { name: 'kubelet', signer: 'ca', spec: { commonName: `${o.nodeName}`, ...node, usages: ['server'] } },
    { name: 'etcd/server', signer: 'etcd/ca', spec: { commonName: o.nodeName, ...node, usages: ['server', 'client'] } },
    { name: 'etcd/peer', signer: 'etcd/ca', spec: { commonName: o.nodeName, ...node, usages: ['server', 'client'] } },
    { name: 'apiserver-etcd-client', signer: 'etcd/ca', spec: { commonName: 'kube-apiserver-etcd-client', usages: ['client'] } },
  ];
}
