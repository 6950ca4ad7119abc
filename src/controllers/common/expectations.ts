// ControllerExpectations: how many creates/deletes a controller has issued whose watch events
// it has not seen yet. While unsatisfied the controller does not act again on the same key,
// so a slow watch never leads to double creates. Entries expire after a TTL (upstream 5 min).
import type { Clock } from '../../util/clock.js';

export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Entry { add: number; del: number; at: number; deleteKeys: Set<string> }

/** Contract: `expect*` before issuing writes, `observe*` from informer handlers, `satisfied` before acting. */
export class Expectations {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  constructor(opts: { clock: Clock; ttlMs?: number }) {
    this.clock = opts.clock;
    this.ttlMs = opts.ttlMs ?? EXPECTATIONS_TTL_MS;
  }

  /** Records that `add` creates and `del` deletes are in flight for `key` (replacing any old entry). */
  expect(key: string, add: number, del: number, deleteKeys: string[] = []): void {
    this.entries.set(key, { add, del, at: this.clock.now(), deleteKeys: new Set(deleteKeys) });
  }

  expectCreations(key: string, n: number): void { this.expect(key, n, 0); }

  /** Expect deletion of the named pods (keys); a pod's delete is observed once. */
  expectDeletions(key: string, podKeys: string[]): void { this.expect(key, 0, podKeys.length, podKeys); }

  /** A create was observed (or a create failed and will not be observed). */
  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e && e.add > 0) e.add--;
  }

  /** A deletion of `podKey` was observed (or failed). Without podKey, any deletion counts. */
  deletionObserved(key: string, podKey?: string): void {
    const e = this.entries.get(key);
    if (!e || e.del <= 0) return;
    if (podKey !== undefined && e.deleteKeys.size > 0) {
      if (!e.deleteKeys.delete(podKey)) return;
    }
    e.del--;
  }

  /** True when nothing is pending, nothing was recorded, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.at > this.ttlMs;
  }

  /** Forgets the key (owner deleted). */
  delete(key: string): void { this.entries.delete(key); }

  /** Pending counts, for logging and tests. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.entries.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
