// Wiring of a whole scheduler process: informers, optional leader election, the loop, /healthz + /metrics.
import { hostname } from 'node:os';
import { EventRecorder } from '../client/events.js';
import { newSharedInformerFactory } from '../client/cache/informer.js';
import type { Clientset } from '../client/interfaces.js';
import { runLeaderElection } from '../client/leaderelection.js';
import { realClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { SchedulerConfig } from './config.js';
import { BoundedEventSink } from './events.js';
import { SchedulerMetrics } from './metrics.js';
import { Scheduler } from './scheduler.js';
import { startHealthServer } from './server.js';

export interface AppOptions {
  clientset: Clientset;
  config: SchedulerConfig;
  logger: Logger;
  leaderElect: boolean;
  /** Health/metrics port; 0 = any free port; negative = none. */
  port: number;
  identity?: string;
  clock?: Clock;
  /** Called once the HTTP server listens (tests read the port). */
  onListening?(port: number): void;
  /** Called with the scheduler once it exists (tests and benchmarks inspect it). */
  onScheduler?(s: Scheduler): void;
}

/**
 * Contract: runs until `signal` aborts. Steps: 1. /healthz + /metrics; 2. when leading (or always without
 * leader election): build a scheduler, attach and sync informers, run the loop; losing the lease stops it.
 */
export async function runSchedulerApp(o: AppOptions, signal: AbortSignal): Promise<void> {
  const clock = o.clock ?? realClock;
  const identity = o.identity ?? `${hostname()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const metrics = new SchedulerMetrics();
  // 1.
  const server = o.port >= 0 ? await startHealthServer({ host: '127.0.0.1', port: o.port, metrics: metrics.registry, healthy: () => true }) : undefined;
  if (server) o.onListening?.(server.port);
  // 2.
  const lead = async (leadSignal: AbortSignal): Promise<void> => {
    const s = new Scheduler({
      clientset: o.clientset,
      profiles: o.config.profiles,
      clock,
      logger: o.logger,
      metrics,
      events: new BoundedEventSink(new EventRecorder({ clientset: o.clientset, component: 'default-scheduler', clock, logger: o.logger, correlate: false })),
    });
    o.onScheduler?.(s);
    const factory = newSharedInformerFactory(o.clientset, { logger: o.logger, clock });
    s.attachInformers(factory);
    factory.start(leadSignal);
    await factory.waitForSync(leadSignal).catch(() => undefined);
    if (leadSignal.aborted) return;
    o.logger.info({ identity, profiles: o.config.profiles.map((p) => p.schedulerName) }, 'scheduler started');
    await s.start(leadSignal);
  };
  try {
    if (o.leaderElect) {
      const le = o.config.leaderElection;
      await runLeaderElection({
        clientset: o.clientset, namespace: le.namespace, name: le.name, identity,
        leaseDurationMs: le.leaseDurationMs, renewDeadlineMs: le.renewDeadlineMs, retryPeriodMs: le.retryPeriodMs,
        clock, logger: o.logger,
        onStartedLeading: (ls) => lead(ls),
        onStoppedLeading: () => o.logger.info({ identity }, 'lost leadership'),
      }, signal);
    } else await lead(signal);
  } finally {
    await server?.close();
  }
}
