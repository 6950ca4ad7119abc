// Per-controller metrics on a registry owned by the manager: queue depth, reconcile latency, errors.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueue, Reconciler } from '../../client/workqueue/interfaces.js';

/** Contract: one instance per process registry; `instrument` wraps a controller's reconciler. */
export class ControllerMetrics {
  readonly registry: Registry;
  private readonly depth: Gauge;
  private readonly latency: Histogram;
  private readonly errors: Counter;
  private readonly queues = new Map<string, WorkQueue<string>>();

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const queues = this.queues;
    this.depth = new Gauge({
      name: 'workqueue_depth', help: 'Current depth of the work queue', labelNames: ['name'], registers: [registry],
      collect() {
        for (const [name, q] of queues) this.set({ name }, q.len());
      },
    });
    this.latency = new Histogram({
      name: 'controller_reconcile_duration_seconds', help: 'Time spent in one reconcile', labelNames: ['controller'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry],
    });
    this.errors = new Counter({ name: 'controller_reconcile_errors_total', help: 'Reconciles that failed', labelNames: ['controller'], registers: [registry] });
  }

  /** Tracks the queue's depth under `name`. */
  trackQueue(name: string, q: WorkQueue<string>): void {
    this.queues.set(name, q);
  }

  /** A reconciler that records latency and errors of `inner`. */
  instrument(name: string, inner: Reconciler): Reconciler {
    return {
      reconcile: async (key, signal) => {
        const end = this.latency.startTimer({ controller: name });
        try {
          return await inner.reconcile(key, signal);
        } catch (e) {
          this.errors.inc({ controller: name });
          throw e;
        } finally {
          end();
        }
      },
    };
  }
}
