// `kubets dns`: cluster DNS for services and pods, forwarding everything else.
import type { Pod, Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import { R } from '../client/resources.js';
import { clientsetFromKubeconfig } from '../client/rest.js';
import { newSharedInformerFactory } from '../client/cache/informer.js';
import { realClock } from '../util/clock.js';
import { flagInt, flagOptional, flagString, parseFlags, flagBool } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';
import { DnsServer } from '../dns/server.js';
import { InformerClusterState } from '../dns/informerstate.js';
import { DnsCache } from '../dns/cache.js';
import { Forwarder, parseUpstreams, systemUpstreams } from '../dns/forwarder.js';

const USAGE = `usage: kubets dns --kubeconfig FILE [--listen 0.0.0.0:53] [--cluster-domain cluster.local]
  [--upstream IP[:PORT],... (default: nameservers of /etc/resolv.conf)] [--ttl 5] [--cache-max-ttl 30]
`;

/** Entry point. Steps: 1. flags; 2. informers; 3. forwarder; 4. serve until stopped. */
export async function run(argv: string[]): Promise<number> {
  // 1. Flags.
  const f = parseFlags(argv, { booleans: ['help'], known: ['kubeconfig', 'listen', 'cluster-domain', 'upstream', 'ttl', 'cache-max-ttl', 'v'] });
  if (flagBool(f, 'help', false)) {
    process.stdout.write(USAGE);
    return 0;
  }
  const kubeconfig = flagOptional(f, 'kubeconfig');
  if (!kubeconfig) {
    process.stderr.write(USAGE);
    return 2;
  }
  const logger = newLogger({ component: 'dns' });
  const signal = stopSignal();
  // 2. Informers on services, endpointslices and pods.
  const cs = clientsetFromKubeconfig(kubeconfig, 'kubets-dns');
  const factory = newSharedInformerFactory(cs, { logger });
  const state = new InformerClusterState({
    services: factory.informerFor<Service>(R.services),
    endpointSlices: factory.informerFor<EndpointSlice>(R.endpointslices),
    pods: factory.informerFor<Pod>(R.pods),
  });
  factory.start(signal);
  await factory.waitForSync(signal);
  // 3. Upstreams with a cache.
  const upstreamFlag = flagOptional(f, 'upstream');
  const upstreams = upstreamFlag ? parseUpstreams(upstreamFlag) : systemUpstreams();
  const forwarder = new Forwarder({ upstreams, cache: new DnsCache({ clock: realClock, maxTtlSec: flagInt(f, 'cache-max-ttl', 30) }) });
  // 4. Serve.
  const server = new DnsServer({
    listen: flagString(f, 'listen', '0.0.0.0:53'),
    answer: { domain: flagString(f, 'cluster-domain', 'cluster.local'), ttl: flagInt(f, 'ttl', 5) },
    state,
    forwarder,
    logger,
  });
  await server.start();
  logger.info({ upstreams }, 'dns serving');
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await server.stop();
  return 0;
}
