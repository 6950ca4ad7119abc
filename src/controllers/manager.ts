// The controller-manager: builds every enabled controller over one set of shared informers,
// runs them (optionally behind leader election) and serves /healthz and /metrics.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import type { Clientset } from '../client/interfaces.js';
import { newSharedInformerFactory } from '../client/cache/informer.js';
import { newWorkQueue } from '../client/workqueue/queue.js';
import { runLeaderElection } from '../client/leaderelection.js';
import { EventRecorder } from '../client/events.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Runnable } from '../util/signals.js';
import type { ControllerContext } from './common/context.js';
import { ControllerMetrics } from './common/metrics.js';
import { enabledControllers } from './enabled.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { EndpointSliceController } from './endpointslice/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';
import { NodeIpamController } from './nodeipam/controller.js';
import { NamespaceController } from './namespace/controller.js';
import { StatefulSetController } from './statefulset/controller.js';
import { DaemonSetController } from './daemonset/controller.js';
import { JobController } from './job/controller.js';
import { CronJobController } from './cronjob/controller.js';
import { TtlAfterFinishedController } from './ttlafterfinished/controller.js';
import { GarbageCollector } from './garbagecollector/controller.js';
import { NodeLifecycleController } from './nodelifecycle/controller.js';
import { PodGcController } from './podgc/controller.js';
import { RootCACertPublisher } from './rootcacert/controller.js';
import { ResourceQuotaController } from './resourcequota/controller.js';

/** Options of the manager, mirroring the command's flags. */
export interface ManagerOptions {
  clientset: Clientset;
  clock: Clock;
  logger: Logger;
  /** `--controllers` value, default "*". */
  controllers?: string;
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  leaderElect?: boolean;
  identity?: string;
  /** Port of /healthz and /metrics; 0 picks a free one; undefined serves nothing. */
  port?: number;
  bindAddress?: string;
  workers?: number;
  /** Base of the Job pod-failure back-off (upstream 10 s); tests shorten it. */
  jobBackoffBaseMs?: number;
  /** --node-monitor-grace-period in ms (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-monitor-period in ms (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** --terminated-pod-gc-threshold (default 12500). */
  terminatedPodGcThreshold?: number;
  /** Pod GC pass period and missing-node quarantine in ms (upstream 20 s / 40 s; smaller in tests). */
  podGcPeriodMs?: number;
  podGcQuarantineMs?: number;
  /** --resource-quota-sync-period in ms (default 5 min). */
  resourceQuotaSyncPeriodMs?: number;
  /** PEM of the cluster CA published as `kube-root-ca.crt` (`--root-ca-file`); '' when none. */
  rootCA?: string;
}

type Factory = (ctx: ControllerContext, o: ManagerOptions) => Runnable | undefined;

/** Every controller this build knows, by its upstream name. */
export const CONTROLLERS: Record<string, Factory> = {
  replicaset: (ctx) => new ReplicaSetController(ctx),
  deployment: (ctx) => new DeploymentController(ctx),
  endpoint: (ctx) => new EndpointsController(ctx),
  endpointslice: (ctx) => new EndpointSliceController(ctx),
  serviceaccount: (ctx) => new ServiceAccountController(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  statefulset: (ctx) => new StatefulSetController(ctx),
  daemonset: (ctx) => new DaemonSetController(ctx),
  job: (ctx, o) => new JobController(ctx, { backoffBaseMs: o.jobBackoffBaseMs }),
  cronjob: (ctx) => new CronJobController(ctx),
  'ttl-after-finished': (ctx) => new TtlAfterFinishedController(ctx),
  garbagecollector: (ctx) => new GarbageCollector(ctx),
  nodelifecycle: (ctx, o) => new NodeLifecycleController(ctx, { gracePeriodMs: o.nodeMonitorGracePeriodMs, monitorPeriodMs: o.nodeMonitorPeriodMs }),
  podgc: (ctx, o) => new PodGcController(ctx, { terminatedThreshold: o.terminatedPodGcThreshold, periodMs: o.podGcPeriodMs, quarantineMs: o.podGcQuarantineMs }),
  resourcequota: (ctx, o) => new ResourceQuotaController(ctx, { resyncMs: o.resourceQuotaSyncPeriodMs }),
  'root-ca-cert-publisher': (ctx, o) => new RootCACertPublisher(ctx, o.rootCA ?? ''),
  nodeipam: (ctx, o) => (o.clusterCidr ? new NodeIpamController(ctx, { clusterCidr: o.clusterCidr, nodeCidrMaskSize: o.nodeCidrMaskSize ?? 24 }) : undefined),
};

/** Contract: `start` runs until the signal aborts; `port` is set once the HTTP server listens. */
/** The event source upstream's controller of that name uses (the `From` column of `kubectl describe`). */
export function eventSource(controller: string): string {
  const special: Record<string, string> = { nodelifecycle: 'node-controller', garbagecollector: 'garbage-collector-controller', podgc: 'pod-garbage-collector', 'root-ca-cert-publisher': 'root-ca-cert-publisher' };
  return special[controller] ?? `${controller}-controller`;
}

export class ControllerManager implements Runnable {
  readonly metrics = new ControllerMetrics();
  port: number | undefined;
  private healthy = false;

  constructor(private readonly o: ManagerOptions) {}

  /**
   * Steps: 1. serve /healthz and /metrics; 2. with --leader-elect, wait for the
   * kube-system/kube-controller-manager lease; 3. build the enabled controllers on fresh shared
   * informers and run them until leadership ends or the signal aborts.
   */
  async start(signal: AbortSignal): Promise<void> {
    const server = this.o.port !== undefined ? await this.serve(this.o.port, this.o.bindAddress ?? '127.0.0.1') : undefined;
    try {
      if (this.o.leaderElect) {
        await runLeaderElection({
          clientset: this.o.clientset, namespace: 'kube-system', name: 'kube-controller-manager',
          identity: this.o.identity ?? `${os.hostname()}_${process.pid}`, clock: this.o.clock, logger: this.o.logger,
          onStartedLeading: (s) => this.runControllers(s),
        }, signal);
      } else {
        await this.runControllers(signal);
      }
    } finally {
      server?.close();
    }
  }

  /** Builds and runs the enabled controllers. */
  async runControllers(signal: AbortSignal): Promise<void> {
    const log = this.o.logger;
    // One abort listener per informer and controller (the garbage collector watches every resource).
    setMaxListeners(0, signal);
    const informers = newSharedInformerFactory(this.o.clientset, { logger: log, clock: this.o.clock });
    const ctx: ControllerContext = {
      clientset: this.o.clientset, informers, clock: this.o.clock, logger: log, metrics: this.metrics, workers: this.o.workers,
      recorder: new EventRecorder({ clientset: this.o.clientset, component: 'controller-manager', clock: this.o.clock, logger: log }),
      newQueue: () => newWorkQueue<string>({ clock: this.o.clock }),
    };
    const names = enabledControllers(this.o.controllers ?? '*', Object.keys(CONTROLLERS));
    const running: Promise<void>[] = [];
    for (const name of names) {
      // Each controller signs its events as upstream's does ("deployment-controller", …): `kubectl describe` shows it under From.
      const recorder = new EventRecorder({ clientset: this.o.clientset, component: eventSource(name), clock: this.o.clock, logger: log });
      const c = CONTROLLERS[name]!({ ...ctx, recorder }, this.o);
      if (!c) {
        log.info({ controller: name }, 'controller skipped (missing configuration)');
        continue;
      }
      log.info({ controller: name }, 'starting controller');
      running.push(c.start(signal).catch((e: unknown) => log.error({ controller: name, err: (e as Error).message }, 'controller failed')));
    }
    informers.start(signal);
    this.healthy = true;
    await Promise.all(running);
    this.healthy = false;
  }

  private serve(port: number, host: string): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      if (req.url === '/healthz' || req.url === '/readyz' || req.url === '/livez') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } else if (req.url === '/metrics') {
        this.metrics.registry.metrics().then(
          (m) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(m),
          (e: Error) => res.writeHead(500).end(e.message),
        );
      } else res.writeHead(404).end('not found');
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const a = server.address();
        this.port = typeof a === 'object' && a ? a.port : port;
        resolve(server);
      });
    });
  }

  /** Whether the controllers are running (for tests). */
  isRunning(): boolean {
    return this.healthy;
  }
}
