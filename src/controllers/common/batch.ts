// Slow-start batching of writes (upstream slowStartBatch): a failing first call costs one request, not hundreds.

/** Runs `fn` over `count` items in batches of 1, 2, 4, … stopping after the first batch with a failure. Returns successes and the first error. */
export async function slowStartBatch(count: number, initialBatch: number, fn: (i: number) => Promise<void>): Promise<{ ok: number; attempted: number; error?: unknown }> {
  let remaining = count;
  let ok = 0;
  let batch = Math.min(remaining, initialBatch);
  let index = 0;
  while (batch > 0) {
    const start = index;
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(start + k)));
    index += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    ok += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { ok, attempted: index, error: failed.reason };
    remaining -= batch;
    batch = Math.min(remaining, batch * 2);
  }
  return { ok, attempted: index };
}
