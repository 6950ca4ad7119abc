// `kubets kubelet`: the node agent over CRI.
import { clientsetFromKubeconfig } from '../client/rest.js';
import { CriClient } from '../kubelet/cri/grpc-client.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { realClock } from '../util/clock.js';
import { flagInt, flagOptional, flagString, parseDuration, parseFlags } from '../util/flags.js';
import { newLogger } from '../util/logger.js';
import { stopSignal } from '../util/signals.js';
import fs from 'node:fs';
import os from 'node:os';

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: ['kubeconfig', 'node-name', 'container-runtime-endpoint', 'root-dir', 'port', 'cluster-dns', 'cluster-domain', 'pod-cidr', 'address', 'node-ip', 'max-pods', 'tls-cert-file', 'tls-private-key-file', 'client-ca-file', 'maximum-dead-containers-per-container', 'maximum-dead-containers', 'minimum-container-ttl-duration', 'pod-manifest-path'] });
  const log = newLogger({ component: 'kubelet' });
  const kubeconfig = flagOptional(f, 'kubeconfig');
  if (!kubeconfig) throw new Error('--kubeconfig is required');
  const nodeName = flagString(f, 'node-name', os.hostname()).toLowerCase();
  // HTTPS with client-certificate authentication when given a serving cert and a client CA.
  const certFile = flagOptional(f, 'tls-cert-file');
  const keyFile = flagOptional(f, 'tls-private-key-file');
  const caFile = flagOptional(f, 'client-ca-file');
  if (!!certFile !== !!keyFile || (certFile && !caFile)) throw new Error('--tls-cert-file, --tls-private-key-file and --client-ca-file go together');
  const tls = certFile && keyFile && caFile ? { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), clientCA: fs.readFileSync(caFile) } : undefined;
  const cri = new CriClient({ endpoint: flagString(f, 'container-runtime-endpoint', 'unix:///run/containerd/containerd.sock') });
  const kubelet = new Kubelet({
    clientset: clientsetFromKubeconfig(kubeconfig, `kubelet/${nodeName}`, log),
    runtime: cri,
    images: cri,
    nodeName,
    rootDir: flagString(f, 'root-dir', '/var/lib/kubets/kubelet'),
    port: flagInt(f, 'port', 10250),
    address: flagOptional(f, 'node-ip'),
    clusterDNS: flagString(f, 'cluster-dns', '10.96.0.10').split(',').filter(Boolean),
    clusterDomain: flagString(f, 'cluster-domain', 'cluster.local'),
    podCIDR: flagOptional(f, 'pod-cidr'),
    maxPods: flagInt(f, 'max-pods', 110),
    tls,
    podManifestPath: flagOptional(f, 'pod-manifest-path'),
    gc: {
      maxPerPodContainer: flagInt(f, 'maximum-dead-containers-per-container', 1),
      maxContainers: flagInt(f, 'maximum-dead-containers', -1),
      minAgeMs: parseDuration(flagString(f, 'minimum-container-ttl-duration', '0s')),
    },
    clock: realClock,
    logger: log,
  });
  const signal = stopSignal();
  process.on('unhandledRejection', (err) => log.error({ err: (err as Error)?.stack ?? String(err) }, 'unhandled rejection'));
  await kubelet.start(signal);
  cri.close();
  return 0;
}
