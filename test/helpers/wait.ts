// Polling for integration tests: generous deadlines, never a timing assertion.

/**
 * Calls `fn` every 100 ms until it returns something other than undefined/false (a throw counts as
 * "not yet"); returns that value, or throws after `timeoutMs` naming `what` and the last error.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
