// etcd and apiserver over TLS from a `kubets` PKI directory, for the security tests: etcd serves
// TLS and requires client certificates; the apiserver serves HTTPS on a free port with client-cert
// and static-token authentication (wiring from `etcdTlsOf` / `secureApiOptionsOf` in cluster.ts).
import fs from 'node:fs';
import type { PkiResult } from '../../src/pki/store.js';
import { etcdTlsOf, secureApiOptionsOf, startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from './cluster.js';

const read = (f: string) => fs.readFileSync(f);

/** etcd with the PKI's etcd server/peer certificates, requiring client certificates. */
export function startTlsEtcd(pki: PkiResult): Promise<EtcdFixture> {
  return startEtcd({ tls: etcdTlsOf(pki) });
}

/** The in-process apiserver over `etcd` with HTTPS, the PKI's CA for clients and `tokenAuthFile`; `kubeletClient` adds its kubelet client certificate. */
export function startSecureApiServer(o: { etcd: EtcdFixture; pki: PkiResult; tokenAuthFile: string; kubeletClient?: boolean }): Promise<ApiServerFixture> {
  const { pki } = o;
  const client = pki.certs['apiserver-kubelet-client']!;
  return startApiServer({
    etcd: o.etcd,
    ...(o.kubeletClient ? { kubeletTls: { ca: read(pki.ca.cert), cert: read(client.cert), key: read(client.key) } } : {}),
    ...secureApiOptionsOf(pki, { tokenAuthFile: o.tokenAuthFile }),
  });
}
