// A de-duplicating, rate-limited work queue (client-go workqueue semantics): a key queued twice
// is processed once; a key added while being processed is queued again after `done`; per-key
// exponential back-off for `addRateLimited`.
import type { Clock } from '../../util/clock.js';
import { realClock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Reconciler, WorkQueue } from './interfaces.js';

export interface WorkQueueOptions {
  clock?: Clock;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

class Queue<K> implements WorkQueue<K> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly waiting: ((k: K | undefined) => void)[] = [];
  private readonly aborts = new Set<AbortController>();
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly base: number;
  private readonly max: number;

  constructor(o: WorkQueueOptions) {
    this.clock = o.clock ?? realClock;
    this.base = o.baseDelayMs ?? 5;
    this.max = o.maxDelayMs ?? 1_000_000;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiting.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
    } else this.queue.push(key);
  }

  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const ctl = new AbortController();
    this.aborts.add(ctl);
    void this.clock.sleep(delayMs, ctl.signal).then(
      () => {
        this.aborts.delete(ctl);
        this.add(key);
      },
      () => this.aborts.delete(ctl),
    );
  }

  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.base * 2 ** n, this.max));
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  get(): Promise<K | undefined> {
    if (this.queue.length) {
      const key = this.queue.shift()!;
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  len(): number {
    return this.queue.length;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const a of this.aborts) a.abort();
    for (const w of this.waiting.splice(0)) w(undefined);
  }
}

/** Creates a queue. */
export function newWorkQueue<K = string>(opts: WorkQueueOptions = {}): WorkQueue<K> {
  return new Queue<K>(opts);
}

export interface RunWorkersOptions {
  /** Called after every reconcile with its duration and error (metrics). */
  onResult?(key: string, durationMs: number, error?: unknown): void;
}

/**
 * Runs `count` workers until `signal` aborts: get → reconcile → forget (or requeue after
 * `requeueAfter`) on success, addRateLimited on error → done.
 */
export async function runWorkers(queue: WorkQueue<string>, reconciler: Reconciler, count: number, signal: AbortSignal, logger: Logger, opts: RunWorkersOptions = {}): Promise<void> {
  const onAbort = () => queue.shutDown();
  signal.addEventListener('abort', onAbort, { once: true });
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      const start = performance.now();
      try {
        const res = await reconciler.reconcile(key, signal);
        queue.forget(key);
        if (res && res.requeueAfter !== undefined) queue.addAfter(key, res.requeueAfter);
        opts.onResult?.(key, performance.now() - start);
      } catch (err) {
        if (!signal.aborted) {
          logger.warn({ key, err: (err as Error)?.message ?? String(err), retries: queue.numRequeues(key) }, 'reconcile failed, requeueing');
          queue.addRateLimited(key);
        }
        opts.onResult?.(key, performance.now() - start, err);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: count }, worker));
  signal.removeEventListener('abort', onAbort);
}
