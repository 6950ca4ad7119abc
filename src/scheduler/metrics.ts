// Scheduler metrics on a per-instance prom-client registry (no global default registry).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Contract: the metric families exported on /metrics. */
export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly attempts: Counter<'result' | 'profile'>;
  readonly e2eDuration: Histogram<'result' | 'profile'>;
  readonly attemptDuration: Histogram<'result' | 'profile'>;
  readonly algorithmDuration: Histogram<string>;
  readonly pendingPods: Gauge<'queue'>;
  readonly preemptionVictims: Histogram<string>;

  /** Pending pods per queue, read at scrape time (set by the scheduler that owns the queue). */
  pendingSource: (() => Record<string, number>) | undefined;

  constructor() {
    const buckets = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];
    this.attempts = new Counter({ name: 'scheduler_schedule_attempts_total', help: 'Number of attempts to schedule pods, by the result.', labelNames: ['result', 'profile'], registers: [this.registry] });
    this.e2eDuration = new Histogram({ name: 'scheduler_e2e_scheduling_duration_seconds', help: 'E2e scheduling latency in seconds (scheduling algorithm + binding).', labelNames: ['result', 'profile'], buckets, registers: [this.registry] });
    this.attemptDuration = new Histogram({ name: 'scheduler_scheduling_attempt_duration_seconds', help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding).', labelNames: ['result', 'profile'], buckets, registers: [this.registry] });
    this.algorithmDuration = new Histogram({ name: 'scheduler_scheduling_algorithm_duration_seconds', help: 'Scheduling algorithm latency in seconds (snapshot, filter, score).', buckets, registers: [this.registry] });
    this.preemptionVictims = new Histogram({ name: 'scheduler_preemption_victims', help: 'Number of selected preemption victims.', buckets: [1, 2, 4, 8, 16, 32, 64], registers: [this.registry] });
    this.pendingPods = new Gauge({
      name: 'scheduler_pending_pods',
      help: 'Number of pending pods, by the queue type.',
      labelNames: ['queue'],
      registers: [this.registry],
      collect: () => { for (const [q, n] of Object.entries(this.pendingSource?.() ?? {})) this.pendingPods.set({ queue: q }, n); },
    });
  }
}
