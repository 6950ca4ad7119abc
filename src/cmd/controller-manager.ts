// `kubets controller-manager`: all controllers in one process.
import fs from 'node:fs';
import { clientsetFromKubeconfig } from '../client/rest.js';
import { ControllerManager } from '../controllers/manager.js';
import { realClock } from '../util/clock.js';
import { flagBool, flagInt, flagOptional, flagString, parseDuration, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';

/** Runs until SIGINT/SIGTERM. */
export async function run(argv: string[]): Promise<number | void> {
  const f = parseFlags(argv, {
    booleans: ['leader-elect'],
    known: ['kubeconfig', 'cluster-cidr', 'node-cidr-mask-size', 'controllers', 'node-monitor-grace-period', 'port', 'bind-address', 'concurrent-workers', 'terminated-pod-gc-threshold', 'allocate-node-cidrs', 'node-monitor-period', 'resource-quota-sync-period', 'root-ca-file'],
  });
  const kubeconfig = flagOptional(f, 'kubeconfig') ?? process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('--kubeconfig is required');
  const logger = newLogger({ component: 'controller-manager' });
  const duration = (name: string) => {
    const v = flagOptional(f, name);
    return v ? parseDuration(v) : undefined;
  };
  const caFile = flagOptional(f, 'root-ca-file');
  if (!caFile) logger.warn('no --root-ca-file: kube-root-ca.crt ConfigMaps carry an empty ca.crt');
  const mgr = new ControllerManager({
    rootCA: caFile ? fs.readFileSync(caFile, 'utf8') : '',
    clientset: clientsetFromKubeconfig(kubeconfig, 'kubets-controller-manager', logger),
    clock: realClock,
    logger,
    controllers: flagString(f, 'controllers', '*'),
    clusterCidr: flagOptional(f, 'cluster-cidr'),
    nodeCidrMaskSize: flagInt(f, 'node-cidr-mask-size', 24),
    leaderElect: flagBool(f, 'leader-elect', false),
    port: flagInt(f, 'port', 10257),
    bindAddress: flagString(f, 'bind-address', '127.0.0.1'),
    workers: flagInt(f, 'concurrent-workers', 5),
    nodeMonitorGracePeriodMs: duration('node-monitor-grace-period'),
    nodeMonitorPeriodMs: duration('node-monitor-period'),
    terminatedPodGcThreshold: flagInt(f, 'terminated-pod-gc-threshold', 12500),
    resourceQuotaSyncPeriodMs: duration('resource-quota-sync-period'),
  });
  await mgr.start(stopSignal());
  return 0;
}
