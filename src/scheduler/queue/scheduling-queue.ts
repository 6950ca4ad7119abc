// The scheduling queue: activeQ (by the QueueSort plugin), backoffQ (per-pod exponential back-off),
// and the unschedulable pool (moved back on cluster events and flushed after a maximum stay).
import type { Pod } from '../../api/types/core.js';
import type { Clock } from '../../util/clock.js';
import type { QueuedPodInfo } from '../framework/interface.js';
import type { PodInfo } from '../framework/pod-info.js';
import { newPodInfo } from '../framework/pod-info.js';
import { KeyedHeap } from './heap.js';

export interface QueueOptions {
  clock: Clock;
  /** QueueSort order for activeQ. */
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Longest stay in the unschedulable pool before a retry (upstream: 5 minutes). */
  maxUnschedulableMs?: number;
}

const keyOfPod = (p: Pod): string => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
const keyOfQ = (q: QueuedPodInfo): string => q.podInfo.key;

/**
 * Contract: every pending pod is in at most one of activeQ, backoffQ, unschedulable, or in flight
 * (popped, not yet done). Time comes only from the injected clock; `flush*` are driven by the caller.
 */
export class SchedulingQueue {
  private clock: Clock;
  private active: KeyedHeap<QueuedPodInfo>;
  private backoff: KeyedHeap<QueuedPodInfo>;
  private unschedulable = new Map<string, QueuedPodInfo>();
  private inFlight = new Map<string, QueuedPodInfo>();
  private waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private initialBackoffMs: number;
  private maxBackoffMs: number;
  private maxUnschedulableMs: number;
  /** Incremented per pop; a move request during a pod's cycle sends it to backoff, not the pool. */
  schedulingCycle = 0;
  private moveRequestCycle = -1;
  /** nodeName → pods nominated there by preemption. */
  private nominated = new Map<string, Map<string, PodInfo>>();
  private nominatedNodeOf = new Map<string, string>();

  constructor(opts: QueueOptions) {
    this.clock = opts.clock;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.active = new KeyedHeap(keyOfQ, opts.less);
    this.backoff = new KeyedHeap(keyOfQ, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Back-off of a pod: initial × 2^(attempts-1), capped. */
  backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  backoffExpiry(q: QueuedPodInfo): number { return q.timestamp + this.backoffDuration(q); }

  private isBackingOff(q: QueuedPodInfo): boolean { return q.attempts > 0 && this.backoffExpiry(q) > this.clock.now(); }

  /** Contract: a new pending pod goes to activeQ (an already-known pod is updated in place). */
  add(pod: Pod): void {
    if (this.update(pod)) return;
    const now = this.clock.now();
    this.pushActive({ podInfo: newPodInfo(pod), initialAttemptTimestamp: now, timestamp: now, attempts: 0, unschedulablePlugins: new Set() });
    this.updateNomination(pod);
  }

  /**
   * Contract: refreshes a queued pod; an unschedulable pod is retried unless `specChanged` is false
   * (a status-only update, e.g. our own PodScheduled condition). Returns false when unknown.
   */
  update(pod: Pod, specChanged = true): boolean {
    const key = keyOfPod(pod);
    this.updateNomination(pod);
    const pi = newPodInfo(pod);
    for (const h of [this.active, this.backoff]) {
      const q = h.get(key);
      if (q) { h.addOrUpdate({ ...q, podInfo: pi }); return true; }
    }
    const u = this.unschedulable.get(key);
    if (u && !specChanged) { u.podInfo = pi; return true; }
    if (u) {
      this.unschedulable.delete(key);
      const q = { ...u, podInfo: pi };
      if (this.isBackingOff(q)) this.backoff.addOrUpdate(q);
      else this.pushActive(q);
      return true;
    }
    const f = this.inFlight.get(key);
    if (f) { f.podInfo = pi; return true; }
    return false;
  }

  /** Contract: forgets the pod everywhere (deleted or bound by someone else). */
  delete(pod: Pod): void {
    const key = keyOfPod(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
    this.deleteNomination(key);
  }

  private pushActive(q: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) {
      this.schedulingCycle++;
      q.attempts++;
      this.inFlight.set(q.podInfo.key, q);
      w(q);
      return;
    }
    this.active.addOrUpdate(q);
  }

  /** Contract: next pod (attempts incremented, marked in flight); waits while empty; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const q = this.active.pop();
    if (q) {
      this.schedulingCycle++;
      q.attempts++;
      this.inFlight.set(q.podInfo.key, q);
      return Promise.resolve(q);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Contract: the cycle for this pod is over (bound or requeued). */
  done(key: string): void { this.inFlight.delete(key); }

  /**
   * Contract: a pod that failed its cycle: to backoffQ when a move request came during its cycle
   * (something may have changed) or when it failed with an error; otherwise to the unschedulable pool.
   */
  addUnschedulable(q: QueuedPodInfo, podCycle: number, opts: { error?: boolean } = {}): void {
    const key = q.podInfo.key;
    if (!this.inFlight.has(key) && !opts.error && (this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key))) return;
    this.inFlight.delete(key);
    q.timestamp = this.clock.now();
    if (opts.error || this.moveRequestCycle >= podCycle) this.backoff.addOrUpdate(q);
    else this.unschedulable.set(key, q);
  }

  /**
   * Contract: a cluster event may make pods schedulable: move the pool (or the pods `filter` selects)
   * to backoffQ/activeQ. An unfiltered move also marks in-flight cycles so their failures retry soon.
   */
  moveAllToActiveOrBackoff(filter?: (q: QueuedPodInfo) => boolean): void {
    for (const [k, q] of this.unschedulable) {
      if (filter && !filter(q)) continue;
      this.unschedulable.delete(k);
      if (this.isBackingOff(q)) this.backoff.addOrUpdate(q);
      else this.pushActive(q);
    }
    if (!filter) this.moveRequestCycle = this.schedulingCycle;
  }

  /** Contract: moves pods whose back-off has expired to activeQ. */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const q = this.backoff.peek();
      if (!q || this.backoffExpiry(q) > now) return;
      this.backoff.pop();
      this.pushActive(q);
    }
  }

  /** Contract: retries pods that stayed in the pool longer than the maximum. */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [k, q] of this.unschedulable) {
      if (now - q.timestamp < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(k);
      if (this.isBackingOff(q)) this.backoff.addOrUpdate(q);
      else this.pushActive(q);
    }
  }

  /** Pending pods per queue (for metrics). */
  lengths(): { active: number; backoff: number; unschedulable: number; gated: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: 0 };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** Where a pod currently is (tests, debugging). */
  where(key: string): 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  /** Contract: records `nominatedNodeName` (from the pod's status or from preemption). */
  nominate(pi: PodInfo, nodeName: string | undefined): void {
    this.deleteNomination(pi.key);
    if (!nodeName) return;
    let m = this.nominated.get(nodeName);
    if (!m) this.nominated.set(nodeName, (m = new Map()));
    m.set(pi.key, pi);
    this.nominatedNodeOf.set(pi.key, nodeName);
  }

  nominatedPodsForNode(nodeName: string): PodInfo[] {
    const m = this.nominated.get(nodeName);
    return m ? [...m.values()] : [];
  }

  private updateNomination(pod: Pod): void {
    const n = pod.status?.nominatedNodeName;
    if (n) this.nominate(newPodInfo(pod), n);
  }

  private deleteNomination(key: string): void {
    const n = this.nominatedNodeOf.get(key);
    if (n === undefined) return;
    this.nominatedNodeOf.delete(key);
    const m = this.nominated.get(n);
    m?.delete(key);
    if (m && m.size === 0) this.nominated.delete(n);
  }

  /** Contract: wakes every waiting `pop` with undefined; later pops resolve undefined. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
