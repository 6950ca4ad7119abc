// `kubets up`: a whole single-node cluster on this host, in the foreground. Starts containerd
// and the local image registry (hack/ scripts), etcd, the apiserver, the controller-manager,
// the scheduler, the kubelet, the proxy and the DNS addon; writes the admin kubeconfig; waits
// until the node is Ready and DNS answers; prints what to type next; stops everything on
// Ctrl-C / SIGTERM. State (etcd data, logs, pid files) lives in --state-dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor, type ChildSpec } from '../up/supervisor.js';
import { dnsAnswers, freshlyReady, waitFor } from '../up/wait.js';
import { apiReady, etcdReady, prepareSecureUp } from '../up/secure.js';
import { kubeDnsEndpoints, kubeDnsService } from '../up/cluster-objects.js';
import { claimPidFile } from '../up/pidfile.js';
import { stopLeftoverChildren } from '../up/leftovers.js';
import { keepContainerd, prepare } from '../up/runtime.js';
import { CriClient } from '../kubelet/cri/grpc-client.js';
import { RestClientset } from '../client/rest.js';
import { R } from '../client/resources.js';
import { ApiError } from '../client/interfaces.js';
import type { KubeObject, Node } from '../api/types/index.js';
import { realClock } from '../util/clock.js';
import { flagInt, flagOptional, flagString, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
/** The kubets executable of this build. */
export const KUBETS_BIN = path.join(ROOT, 'bin', 'kubets');

/** Whether this build has a subcommand (a component another issue may not have landed yet). */
function hasCommand(name: string): boolean {
  return fs.existsSync(path.join(here, `${name}.js`));
}

/** First non-loopback IPv4 address of the host (not a pod address). */
export function nodeAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('10.244.')) return a.address;
  return '127.0.0.1';
}

async function ensure(cs: RestClientset, obj: KubeObject, ref: (typeof R)[keyof typeof R]): Promise<void> {
  const client = cs.resource(ref);
  try {
    await client.create(obj.metadata.namespace, obj);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
    const cur = await client.get(obj.metadata.namespace, obj.metadata.name!);
    await client.update(obj.metadata.namespace, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } }).catch(() => {});
  }
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: ['state-dir', 'node-name', 'etcd-port', 'apiserver-port', 'node-ip', 'advertise-address', 'bind-address', 'cluster-dns', 'verbose'], booleans: ['verbose'] });
  const stateDir = path.resolve(flagString(f, 'state-dir', '/var/lib/kubets'));
  const nodeName = flagString(f, 'node-name', os.hostname()).toLowerCase();
  const nodeIP = flagOptional(f, 'node-ip') ?? nodeAddress();
  // The address other machines reach the apiserver on, and the one it listens on.
  const advertise = flagOptional(f, 'advertise-address') ?? nodeIP;
  const bind = flagString(f, 'bind-address', '0.0.0.0');
  const clusterDNS = flagString(f, 'cluster-dns', '10.96.0.10');
  const etcdPort = flagInt(f, 'etcd-port', 2379);
  const apiPort = flagInt(f, 'apiserver-port', 6443);
  const out = process.stdout;
  const keepers: Promise<void>[] = [];
  const keepCtl = new AbortController();
  const log = newLogger({ component: 'up' });
  const signal = stopSignal();
  const runDir = path.join(stateDir, 'run');
  fs.mkdirSync(runDir, { recursive: true });
  const owner = claimPidFile(path.join(runDir, 'up.pid'));
  if (owner !== undefined) {
    out.write(`kubets up is already running for ${stateDir} (pid ${owner}); nothing to do.\nUse that cluster (export KUBECONFIG=${path.join(stateDir, 'kubeconfig')}), or stop it first: kubets down --state-dir ${stateDir}\n`);
    return 1;
  }
  // An earlier `up` of this state dir that was killed (SIGKILL, a crash) left its children running
  // with the ports, the etcd data dir and the node: stop them before starting ours.
  const startedAt = Date.now();
  const orphans = await stopLeftoverChildren(runDir, stateDir, out, ' left by an earlier up');
  if (orphans.length) out.write(`stopped ${orphans.length} processes an earlier kubets up left running\n`);
  const sup = new Supervisor({ logDir: path.join(stateDir, 'logs'), runDir, logger: log, clock: realClock, out, echo: f.values.has('verbose') });
  const wait = (what: string, check: () => Promise<boolean>, timeoutMs = 120_000) => waitFor(what, check, { clock: realClock, out, timeoutMs, signal });
  const kubets = (name: string, args: string[], ready?: ChildSpec['ready']): ChildSpec => ({ name, command: process.execPath, args: [KUBETS_BIN, name, ...args], env: { KUBETS_LOG_LEVEL: process.env.KUBETS_LOG_LEVEL ?? 'info' }, ready });
  out.write(`kubets up: node ${nodeName} (${nodeIP}), state in ${stateDir}, logs in ${path.join(stateDir, 'logs')}\n`);
  try {
    // 0. certificates and kubeconfigs (secure by default)
    const sec = await prepareSecureUp({ stateDir, nodeName, nodeIP, apiPort, etcdPort, advertiseAddress: advertise });
    const kubeconfig = sec.adminKubeconfig;
    // 1. container runtime and images
    out.write('preparing containerd and the local image registry\n');
    const rt = { root: ROOT, stateDir, runDir, out, logger: log, clock: realClock };
    const ownContainerd = await prepare('containerd', rt);
    await prepare('registry', rt);
    const cri = new CriClient({ endpoint: 'unix:///run/containerd/containerd.sock', timeoutMs: 3000 });
    // A containerd restarted for us keeps the root of the one that ran: ours under the state dir,
    // or the host default for one that was already running (its pods live there).
    const keepState = ownContainerd ? stateDir : undefined;
    keepers.push(keepContainerd({ ...rt, stateDir: keepState, answers: async () => !!(await cri.version()) }, keepCtl.signal).finally(() => cri.close()));
    // 2. etcd
    out.write('starting etcd\n');
    const etcdUrl = sec.etcdUrl;
    await sup.start({
      name: 'etcd',
      command: 'etcd',
      args: ['--name', 'kubets', '--data-dir', path.join(stateDir, 'etcd'), '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
        '--listen-peer-urls', `https://127.0.0.1:${etcdPort + 1}`, '--initial-advertise-peer-urls', `https://127.0.0.1:${etcdPort + 1}`,
        '--initial-cluster', `kubets=https://127.0.0.1:${etcdPort + 1}`, '--log-level', 'warn', '--logger', 'zap', ...sec.etcdArgs],
      ready: () => wait('etcd', () => etcdReady(sec)),
    }, signal);
    // 3. apiserver and the admin kubeconfig
    out.write('starting apiserver\n');
    const cs = sec.adminClient('kubets-up');
    await sup.start(kubets('apiserver', ['--etcd-servers', etcdUrl, ...sec.apiserverArgs, '--bind-address', bind, '--advertise-address', advertise], () => wait('apiserver', () => apiReady(cs))), signal);
    // 4. control plane, node agent, networking (each when this build has it)
    for (const [name, args] of [
      ['controller-manager', ['--kubeconfig', sec.kubeconfigs['controller-manager'], '--cluster-cidr', '10.244.0.0/16', '--node-cidr-mask-size', '24']],
      ['scheduler', ['--kubeconfig', sec.kubeconfigs.scheduler]],
      ['kubelet', ['--kubeconfig', sec.kubeconfigs.kubelet, ...sec.kubeletArgs, '--node-name', nodeName, '--node-ip', nodeIP, '--container-runtime-endpoint', 'unix:///run/containerd/containerd.sock', '--root-dir', path.join(stateDir, 'kubelet'), '--cluster-dns', clusterDNS, '--cluster-domain', 'cluster.local', '--pod-cidr', '10.244.0.0/24']],
      ['proxy', ['--kubeconfig', sec.kubeconfigs.proxy, '--hostname-override', nodeName, '--cluster-cidr', '10.244.0.0/16']],
      // DNS binds the node address itself: a UDP socket on 0.0.0.0 would answer pods from the bridge address, which conntrack cannot map back to the Service IP.
      ['dns', ['--kubeconfig', sec.kubeconfigs.dns, '--listen', `${nodeIP}:53`, '--cluster-domain', 'cluster.local']],
    ] as [string, string[]][]) {
      if (!hasCommand(name)) {
        out.write(`  (skipping ${name}: not part of this build yet)\n`);
        continue;
      }
      out.write(`starting ${name}\n`);
      await sup.start(kubets(name, args), signal);
    }
    // 5. cluster DNS service pointing at the node's DNS process
    if (hasCommand('dns')) {
      await ensure(cs, kubeDnsService(clusterDNS), R.services);
      const eps = kubeDnsEndpoints(nodeIP, nodeName);
      await ensure(cs, eps.endpoints, R.endpoints);
      await ensure(cs, eps.slice, R.endpointslices);
    }
    // 6. DNS answering, node Ready
    if (hasCommand('dns')) await wait('cluster DNS to answer', () => dnsAnswers(nodeIP, 53, 'kubernetes.default.svc.cluster.local'));
    if (hasCommand('kubelet')) {
      // Reported by this kubelet: a Node kept from an earlier run says Ready from its last heartbeat.
      await wait(`node ${nodeName} Ready`, async () => freshlyReady(await cs.resource<Node>(R.nodes).get(undefined, nodeName).catch(() => undefined), startedAt));
    }
    // 7. pods need the `default` ServiceAccount and the CA ConfigMap of their namespace (controller-manager makes them)
    if (hasCommand('controller-manager')) {
      await wait('default ServiceAccount', async () => !!(await cs.resource(R.serviceaccounts).get('default', 'default').catch(() => undefined)));
      await wait('kube-root-ca.crt', async () => !!(await cs.resource(R.configmaps).get('default', 'kube-root-ca.crt').catch(() => undefined)));
    }
    out.write(`\nkubets is up.\n\n  export KUBECONFIG=${kubeconfig}\n  kubectl get nodes\n  kubectl apply -f ${path.join(ROOT, 'examples', 'web.yaml')}\n  kubectl get pods -w\n\nJoin another machine: kubets certs node --dir ${path.join(stateDir, 'pki')} --node-name <name> --node-ip <its-ip> --server https://${advertise}:${apiPort} --out <dir> (docs/multi-node.md)\n\nStop with Ctrl-C, or \`kubets down --state-dir ${stateDir}\` from another terminal.\n`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    cs.close();
  } catch (err) {
    out.write(`kubets up failed: ${(err as Error).message}\n`);
    keepCtl.abort();
    await sup.stopAll();
    await Promise.all(keepers);
    fs.rmSync(path.join(runDir, 'up.pid'), { force: true });
    return 1;
  }
  out.write('stopping\n');
  keepCtl.abort();
  await sup.stopAll();
  await Promise.all(keepers);
  fs.rmSync(path.join(runDir, 'up.pid'), { force: true });
  return 0;
}
