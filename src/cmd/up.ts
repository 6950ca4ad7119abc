// `kubets up`: a cluster on this host in the foreground. Starts etcd (data under the state
// dir) and the apiserver, writes the admin kubeconfig, waits until the API is ready, prints
// what to type next, and stops everything on Ctrl-C / SIGTERM.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor } from '../up/supervisor.js';
import { httpOk, waitFor } from '../up/wait.js';
import { writeKubeconfigFile } from '../up/kubeconfig.js';
import { realClock } from '../util/clock.js';
import { flagInt, flagString, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The kubets executable of this build. */
export const KUBETS_BIN = path.resolve(here, '..', '..', 'bin', 'kubets');

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: ['state-dir', 'node-name', 'etcd-port', 'apiserver-port', 'verbose'], booleans: ['verbose'] });
  const stateDir = path.resolve(flagString(f, 'state-dir', '/var/lib/kubets'));
  const etcdPort = flagInt(f, 'etcd-port', 2379);
  const apiPort = flagInt(f, 'apiserver-port', 8080);
  const out = process.stdout;
  const log = newLogger({ component: 'up' });
  const signal = stopSignal();
  fs.mkdirSync(path.join(stateDir, 'run'), { recursive: true });
  fs.writeFileSync(path.join(stateDir, 'run', 'up.pid'), String(process.pid));
  const sup = new Supervisor({ logDir: path.join(stateDir, 'logs'), runDir: path.join(stateDir, 'run'), logger: log, clock: realClock, out, echo: f.values.has('verbose') });
  const waitOpts = { clock: realClock, out, timeoutMs: 60_000, signal };
  out.write(`kubets up: state in ${stateDir}, logs in ${path.join(stateDir, 'logs')}\n`);
  try {
    // 1. etcd
    out.write('starting etcd\n');
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    await sup.start({
      name: 'etcd',
      command: 'etcd',
      args: ['--name', 'kubets', '--data-dir', path.join(stateDir, 'etcd'), '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
        '--listen-peer-urls', `http://127.0.0.1:${etcdPort + 1}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPort + 1}`,
        '--initial-cluster', `kubets=http://127.0.0.1:${etcdPort + 1}`, '--log-level', 'warn', '--logger', 'zap'],
      ready: () => waitFor('etcd', () => httpOk(`${etcdUrl}/health`), waitOpts),
    }, signal);
    // 2. apiserver
    out.write('starting apiserver\n');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await sup.start({
      name: 'apiserver',
      command: process.execPath,
      args: [KUBETS_BIN, 'apiserver', '--etcd-servers', etcdUrl, '--insecure-bind-address', '127.0.0.1', '--insecure-port', String(apiPort)],
      ready: () => waitFor('apiserver', () => httpOk(`${apiUrl}/readyz`), waitOpts),
    }, signal);
    // 3. kubeconfig
    const kubeconfig = path.join(stateDir, 'kubeconfig');
    writeKubeconfigFile(kubeconfig, { server: apiUrl });
    out.write(`\nkubets is up.\n\n  export KUBECONFIG=${kubeconfig}\n  kubectl get namespaces\n  kubectl apply -f examples/\n\nPress Ctrl-C to stop.\n`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } catch (err) {
    out.write(`kubets up failed: ${(err as Error).message}\n`);
    await sup.stopAll();
    return 1;
  }
  out.write('stopping\n');
  await sup.stopAll();
  fs.rmSync(path.join(stateDir, 'run', 'up.pid'), { force: true });
  return 0;
}
