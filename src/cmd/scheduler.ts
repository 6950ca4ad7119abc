// `kubets scheduler --kubeconfig F [--leader-elect] [--config F] [--port N]`
import { readFileSync } from 'node:fs';
import { clientsetFromKubeconfig } from '../client/rest.js';
import { defaultSchedulerConfig, parseSchedulerConfig } from '../scheduler/config.js';
import { runSchedulerApp } from '../scheduler/app.js';
import { flagBool, flagInt, flagOptional, flagString, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';

const USAGE = `usage: kubets scheduler --kubeconfig FILE [--leader-elect] [--config FILE] [--port N] [--v N]
  --kubeconfig    kubeconfig of the apiserver to schedule for (required)
  --leader-elect  run leader election on Lease kube-system/kube-scheduler (default from --config, else false)
  --config        KubeSchedulerConfiguration YAML (profiles, plugins, pluginConfig, percentageOfNodesToScore)
  --port          /healthz and /metrics on 127.0.0.1 (default 10259; 0 = any free port)
`;

export async function run(argv: string[]): Promise<number | void> {
  let f;
  try {
    f = parseFlags(argv, { booleans: ['leader-elect', 'help'], known: ['kubeconfig', 'config', 'port', 'leader-elect-lease-name', 'v', 'help'] });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flagBool(f, 'help', false)) { process.stdout.write(USAGE); return 0; }
  const kubeconfig = flagOptional(f, 'kubeconfig');
  if (!kubeconfig) { process.stderr.write(`--kubeconfig is required\n${USAGE}`); return 2; }
  const logger = newLogger({ component: 'scheduler' });
  const cfgPath = flagOptional(f, 'config');
  const config = cfgPath ? parseSchedulerConfig(readFileSync(cfgPath, 'utf8')) : defaultSchedulerConfig();
  const leaseName = flagString(f, 'leader-elect-lease-name', config.leaderElection.name);
  config.leaderElection.name = leaseName;
  const leaderElect = f.values.has('leader-elect') ? flagBool(f, 'leader-elect', false) : (config.leaderElection.leaderElect ?? false);
  const clientset = clientsetFromKubeconfig(kubeconfig, 'kubets-scheduler', logger);
  const signal = stopSignal();
  await runSchedulerApp({
    clientset, config, logger, leaderElect,
    port: flagInt(f, 'port', 10259),
    onListening: (port) => logger.info({ port }, 'serving /healthz and /metrics'),
  }, signal);
  return 0;
}
