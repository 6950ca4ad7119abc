// `kubets apiserver`: REST + watch over etcd. With --tls-cert-file it serves HTTPS on
// --secure-port (client certificates, static tokens, Node+RBAC) and the insecure loopback port
// only when --insecure-port is given; without it, the insecure port alone (development).
import fs from 'node:fs';
import { ApiServer, type ClientTls, type SecureServingOptions } from '../apiserver/server.js';
import { flagBool, flagInt, flagOptional, flagString, parseFlags, type ParsedFlags } from '../util/flags.js';
import { hostAddress } from '../util/host.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';
import { SECURITY_FLAGS, securityOptions } from './apiserver-security.js';

const KNOWN = [
  'etcd-servers', 'etcd-prefix', 'insecure-bind-address', 'insecure-port', 'service-cluster-ip-range',
  'service-node-port-range', 'advertise-address', 'max-requests-inflight', 'max-mutating-requests-inflight', 'watch-cache-size',
  'secure-port', 'bind-address', 'tls-cert-file', 'tls-private-key-file', 'client-ca-file', 'token-auth-file', 'anonymous-auth',
  'authorization-mode', 'etcd-cafile', 'etcd-certfile', 'etcd-keyfile', 'kubelet-client-certificate', 'kubelet-client-key', 'kubelet-certificate-authority',
  ...SECURITY_FLAGS,
];

const readOpt = (f: ParsedFlags, name: string) => {
  const p = flagOptional(f, name);
  return p ? fs.readFileSync(p) : undefined;
};

function clientTls(f: ParsedFlags, ca: string, cert: string, key: string): ClientTls | undefined {
  const t = { ca: readOpt(f, ca), cert: readOpt(f, cert), key: readOpt(f, key) };
  return t.ca || t.cert ? t : undefined;
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: KNOWN });
  const log = newLogger({ component: 'apiserver' });
  const bind = flagString(f, 'insecure-bind-address', '127.0.0.1');
  if (!/^127\.|^::1$|^localhost$/.test(bind)) {
    log.error({ bind }, 'the insecure port may only bind to loopback');
    return 2;
  }
  const mode = flagString(f, 'authorization-mode', 'Node,RBAC');
  if (mode !== 'Node,RBAC' && mode !== 'RBAC') {
    log.error({ mode }, 'only --authorization-mode=Node,RBAC is supported');
    return 2;
  }
  const certFile = flagOptional(f, 'tls-cert-file');
  const keyFile = flagOptional(f, 'tls-private-key-file');
  if (!!certFile !== !!keyFile) {
    log.error('--tls-cert-file and --tls-private-key-file go together');
    return 2;
  }
  const secure: SecureServingOptions | undefined = certFile && keyFile ? {
    port: flagInt(f, 'secure-port', 6443),
    bindAddress: flagString(f, 'bind-address', '0.0.0.0'),
    cert: fs.readFileSync(certFile),
    key: fs.readFileSync(keyFile),
    clientCA: readOpt(f, 'client-ca-file'),
    tokenAuthFile: flagOptional(f, 'token-auth-file'),
    anonymous: flagBool(f, 'anonymous-auth', false),
  } : undefined;
  const server = new ApiServer({
    etcdServers: flagString(f, 'etcd-servers', 'http://127.0.0.1:2379').split(','),
    etcdPrefix: flagString(f, 'etcd-prefix', '/registry').replace(/\/+$/, ''),
    etcdTls: clientTls(f, 'etcd-cafile', 'etcd-certfile', 'etcd-keyfile'),
    kubeletTls: clientTls(f, 'kubelet-certificate-authority', 'kubelet-client-certificate', 'kubelet-client-key'),
    secure,
    insecure: f.values.has('insecure-port'),
    bindAddress: bind,
    port: flagInt(f, 'insecure-port', 8080),
    serviceClusterIPRange: flagString(f, 'service-cluster-ip-range', '10.96.0.0/12'),
    serviceNodePortRange: flagString(f, 'service-node-port-range', '30000-32767'),
    advertiseAddress: flagOptional(f, 'advertise-address') ?? hostAddress(),
    maxRequestsInflight: flagInt(f, 'max-requests-inflight', 400),
    maxMutatingRequestsInflight: flagInt(f, 'max-mutating-requests-inflight', 200),
    watchCacheCapacity: flagInt(f, 'watch-cache-size', 10_000),
    ...securityOptions(f, log),
    logger: log,
  });
  const signal = stopSignal();
  process.on('unhandledRejection', (err) => log.error({ err: (err as Error)?.stack ?? String(err) }, 'unhandled rejection'));
  await server.start();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  log.info('stopping');
  await server.stop();
  return 0;
}
