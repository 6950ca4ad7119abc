// etcd and apiserver over TLS from a `kubets` PKI directory, for the security tests: etcd serves
// TLS and requires client certificates; the apiserver serves HTTPS on a free port with client-cert
// and static-token authentication.
import fs from 'node:fs';
import type { PkiResult } from '../../src/pki/store.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from './cluster.js';

const read = (f: string) => fs.readFileSync(f);

/** etcd with the PKI's etcd server/peer certificates, requiring client certificates. */
export function startTlsEtcd(pki: PkiResult): Promise<EtcdFixture> {
  return startEtcd({
    tls: {
      caFile: pki.etcdCA.cert, certFile: pki.certs['etcd/server']!.cert, keyFile: pki.certs['etcd/server']!.key,
      peerCertFile: pki.certs['etcd/peer']!.cert, peerKeyFile: pki.certs['etcd/peer']!.key,
      clientCertFile: pki.certs['apiserver-etcd-client']!.cert, clientKeyFile: pki.certs['apiserver-etcd-client']!.key,
    },
  });
}

/** The in-process apiserver over `etcd` with HTTPS, the PKI's CA for clients and `tokenAuthFile`; `kubeletClient` adds its kubelet client certificate. */
export function startSecureApiServer(o: { etcd: EtcdFixture; pki: PkiResult; tokenAuthFile: string; kubeletClient?: boolean }): Promise<ApiServerFixture> {
  const { pki } = o;
  const pair = (name: string) => ({ cert: read(pki.certs[name]!.cert), key: read(pki.certs[name]!.key) });
  return startApiServer({
    etcd: o.etcd,
    etcdTls: { ca: read(pki.etcdCA.cert), ...pair('apiserver-etcd-client') },
    ...(o.kubeletClient ? { kubeletTls: { ca: read(pki.ca.cert), ...pair('apiserver-kubelet-client') } } : {}),
    secure: { port: 0, bindAddress: '127.0.0.1', ...pair('apiserver'), clientCA: read(pki.ca.cert), tokenAuthFile: o.tokenAuthFile },
  });
}
