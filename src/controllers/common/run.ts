// Running a controller: wait for its informers, then drain its queue with workers until stopped.
import type { Informer } from '../../client/cache/interfaces.js';
import type { Reconciler, WorkQueue } from '../../client/workqueue/interfaces.js';
import { runWorkers } from '../../client/workqueue/queue.js';
import type { ControllerContext } from './context.js';

/** Options of `runController`. */
export interface RunControllerOptions {
  name: string;
  ctx: ControllerContext;
  queue: WorkQueue<string>;
  reconciler: Reconciler;
  informers: Informer<never>[] | Informer[];
  workers?: number;
}

/**
 * Steps: 1. start the shared informers (idempotent) and wait for the listed ones to sync;
 * 2. register queue metrics; 3. run workers until `signal` aborts; 4. shut the queue down.
 */
export async function runController(opts: RunControllerOptions, signal: AbortSignal): Promise<void> {
  const { ctx, queue } = opts;
  const onAbort = () => queue.shutDown();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    ctx.informers.start(signal);
    for (const inf of opts.informers as Informer[]) await inf.waitForSync(signal);
    ctx.metrics?.trackQueue(opts.name, queue);
    const reconciler = ctx.metrics ? ctx.metrics.instrument(opts.name, opts.reconciler) : opts.reconciler;
    await runWorkers(queue, reconciler, opts.workers ?? ctx.workers ?? 5, signal, ctx.logger.child({ controller: opts.name }));
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
    queue.shutDown();
  }
}

