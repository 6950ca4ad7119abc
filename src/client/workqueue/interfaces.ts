// Work queue contract (modelled on client-go util/workqueue).

/**
 * A de-duplicating, rate-limited queue. A key added while queued is kept once; a key added
 * while being processed is re-queued after `done` ("stingy": never two workers on one key).
 */
export interface WorkQueue<K = string> {
  add(key: K): void;
  addAfter(key: K, delayMs: number): void;
  /** Adds after the rate limiter's back-off for this key (exponential per key). */
  addRateLimited(key: K): void;
  /** Clears the key's back-off history. */
  forget(key: K): void;
  /** Next key to process; resolves undefined once shut down. */
  get(): Promise<K | undefined>;
  done(key: K): void;
  len(): number;
  shutDown(): void;
  numRequeues(key: K): number;
}

/** A reconciler over keys: throwing means a rate-limited retry. */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfter?: number } | void>;
}
