// `kubets apiserver`: REST + watch over etcd.
import os from 'node:os';
import { ApiServer } from '../apiserver/server.js';
import { flagInt, flagOptional, flagString, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';
import { SECURITY_FLAGS, securityOptions } from './apiserver-security.js';

const KNOWN = [
  'etcd-servers', 'etcd-prefix', 'insecure-bind-address', 'insecure-port', 'service-cluster-ip-range',
  'service-node-port-range', 'advertise-address', 'max-requests-inflight', 'max-mutating-requests-inflight', 'watch-cache-size',
  ...SECURITY_FLAGS,
];

/** First non-loopback IPv4 address of this host, for the `kubernetes` endpoints. */
function hostAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: KNOWN });
  const log = newLogger({ component: 'apiserver' });
  const bind = flagString(f, 'insecure-bind-address', '127.0.0.1');
  if (!/^127\.|^::1$|^localhost$/.test(bind)) {
    log.error({ bind }, 'the insecure port may only bind to loopback');
    return 2;
  }
  const server = new ApiServer({
    etcdServers: flagString(f, 'etcd-servers', 'http://127.0.0.1:2379').split(','),
    etcdPrefix: flagString(f, 'etcd-prefix', '/registry').replace(/\/+$/, ''),
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
