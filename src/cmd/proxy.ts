// `kubets proxy`: programs Service NAT rules on this node with iptables-restore.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Node, Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import { R } from '../client/resources.js';
import { clientsetFromKubeconfig } from '../client/rest.js';
import { newSharedInformerFactory } from '../client/cache/informer.js';
import { realClock } from '../util/clock.js';
import { flagBool, flagInt, flagOptional, flagString, parseDuration, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';
import { ProcessRunner } from '../proxy/exec.js';
import { ExecIptables } from '../proxy/iptables.js';
import { parseBackendChoice, resolveBackend } from '../proxy/backend.js';
import { ExecConntrack } from '../proxy/conntrack.js';
import { ensureSysctls } from '../proxy/sysctl.js';
import { Proxier, cleanupRules } from '../proxy/proxier.js';
import { newProxyMetrics } from '../proxy/metrics.js';
import { listen, newProxyServer } from '../proxy/server.js';
import { addressesOfNode, localInterfaceAddresses } from '../proxy/nodeaddresses.js';

const USAGE = `usage: kubets proxy --kubeconfig FILE --hostname-override NODE --cluster-cidr CIDR
  [--min-sync-period 1s] [--sync-period 30s] [--nodeport-addresses CIDR,...] [--masquerade-bit 14]
  [--healthz-bind-address 0.0.0.0:10256] [--metrics-bind-address 127.0.0.1:10249]
  [--iptables-netns NAME (run iptables/conntrack/sysctl inside a network namespace)] [--cleanup]
  [--iptables-backend auto|nft|legacy (auto: whichever the host's \`iptables\` is)]
`;

/** Entry point. Steps: 1. flags; 2. --cleanup; 3. clients, informers, node addresses; 4. sysctls; 5. HTTP; 6. proxier loop. */
export async function run(argv: string[]): Promise<number> {
  // 1. Flags (upstream names, plus the short names of the issue).
  const f = parseFlags(argv, {
    booleans: ['cleanup', 'help'],
    known: [
      'kubeconfig', 'hostname-override', 'cluster-cidr', 'min-sync-period', 'sync-period', 'iptables-min-sync-period',
      'iptables-sync-period', 'nodeport-addresses', 'masquerade-bit', 'iptables-masquerade-bit', 'healthz-bind-address',
      'metrics-bind-address', 'iptables-netns', 'iptables-backend', 'v',
    ],
  });
  if (flagBool(f, 'help', false)) {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = newLogger({ component: 'proxy' });
  const netns = flagOptional(f, 'iptables-netns');
  const runner = new ProcessRunner({ netns });
  let backend;
  try {
    backend = await resolveBackend(parseBackendChoice(flagString(f, 'iptables-backend', 'auto')), runner);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const iptables = new ExecIptables(runner, backend);
  // 2. Cleanup mode.
  if (flagBool(f, 'cleanup', false)) {
    await cleanupRules(iptables);
    logger.info({ backend }, 'removed all proxy rules');
    return 0;
  }
  const kubeconfig = flagOptional(f, 'kubeconfig');
  if (!kubeconfig) {
    process.stderr.write(USAGE);
    return 2;
  }
  const nodeName = flagString(f, 'hostname-override', hostname()).toLowerCase();
  const minSync = parseDuration(flagOptional(f, 'min-sync-period') ?? flagString(f, 'iptables-min-sync-period', '1s'));
  const syncPeriod = parseDuration(flagOptional(f, 'sync-period') ?? flagString(f, 'iptables-sync-period', '30s'));
  const nodePortAddresses = flagOptional(f, 'nodeport-addresses')?.split(',').map((s) => s.trim()).filter(Boolean);
  const masqueradeBit = flagInt(f, 'masquerade-bit', flagInt(f, 'iptables-masquerade-bit', 14));
  const signal = stopSignal();

  // 3. Clients and node addresses.
  const cs = clientsetFromKubeconfig(kubeconfig, 'kubets-proxy');
  let node: Node | undefined;
  try {
    node = await cs.resource<Node>(R.nodes).get(undefined, nodeName);
  } catch (err) {
    logger.warn({ err, node: nodeName }, 'node object not found; using local interface addresses');
  }
  const addresses = addressesOfNode(node);
  const factory = newSharedInformerFactory(cs, { logger });
  const services = factory.informerFor<Service>(R.services);
  const slices = factory.informerFor<EndpointSlice>(R.endpointslices);
  factory.start(signal);

  // 4. Kernel settings.
  await ensureSysctls(runner, logger);

  // 5. Metrics and health.
  const metrics = newProxyMetrics();
  const proxier = new Proxier({
    services,
    endpointSlices: slices,
    iptables,
    conntrack: new ExecConntrack(runner),
    node: { name: nodeName, addresses: addresses.length > 0 ? addresses : localInterfaceAddresses() },
    render: { clusterCIDR: flagOptional(f, 'cluster-cidr'), nodePortAddresses, masqueradeBit, sctpSupported: existsSync('/proc/sys/net/sctp') },
    minSyncPeriodMs: minSync,
    syncPeriodMs: syncPeriod,
    clock: realClock,
    logger,
    metrics,
  });
  const healthz = newProxyServer({ health: () => proxier.health(), registry: metrics.registry, nodeName });
  const metricsServer = newProxyServer({ health: () => proxier.health(), registry: metrics.registry, nodeName });
  const hp = await listen(healthz, flagString(f, 'healthz-bind-address', '0.0.0.0:10256'));
  const mp = await listen(metricsServer, flagString(f, 'metrics-bind-address', '127.0.0.1:10249'));
  logger.info({ node: nodeName, healthzPort: hp, metricsPort: mp, netns, backend }, 'proxy starting');

  // 6. Run until stopped.
  try {
    await proxier.start(signal);
  } finally {
    healthz.close();
    metricsServer.close();
  }
  return 0;
}
