// WatchCache: one etcd watch per resource type feeding the current objects and a window
// of recent events. Client watches and resourceVersion=0 lists are served from it, so a
// thousand watchers cost one etcd watch.
import type { KubeObject } from '../../api/types/index.js';
import type { Logger } from '../../util/logger.js';
import type { Clock } from '../../util/clock.js';
import type { Storage, StorageEvent, StorageWatch, Versioned } from './interface.js';

/** An event as held in the window; `frames` memoizes its serialized frames for fan-out. */
export interface CachedEvent extends StorageEvent {
  /** Serialized watch frames by event type, shared by every plain-JSON watcher. */
  frames?: Partial<Record<'ADDED' | 'MODIFIED' | 'DELETED', Buffer>>;
}

/** Decides what a watcher sees of an event: pass it, drop it, or rewrite its type. */
export type EventFilter = (ev: CachedEvent) => 'ADDED' | 'MODIFIED' | 'DELETED' | null;

/** One client watch on the cache. `close` is called once when the cache ends the watch. */
export interface CacheWatcher {
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', ev: CachedEvent): void;
  onClose(reason: 'reset' | 'stopped'): void;
}

export interface WatchCacheOptions {
  storage: Storage;
  prefix: string;
  /** Events kept in the window. */
  capacity?: number;
  logger: Logger;
  clock: Clock;
}

/** Result of subscribing: a handle, or `expired` when fromRev is older than the window. */
export type Subscription = { stop(): void } | 'expired';

export class WatchCache {
  private readonly storage: Storage;
  readonly prefix: string;
  private readonly capacity: number;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly objects = new Map<string, Versioned>();
  private ring: CachedEvent[] = [];
  private ringStart = 0;
  /** Revision up to which the cache reflects etcd. */
  private rev = 0;
  /** Watches from a revision >= windowStart are served from the window. */
  private windowStart = 0;
  private readonly watchers = new Set<{ w: CacheWatcher; filter: EventFilter }>();
  private etcdWatch: StorageWatch | undefined;
  private ready: Promise<void> | undefined;
  private readyResolve: (() => void) | undefined;
  private freshWaiters: { rev: number; resolve: () => void }[] = [];
  private stopped = false;

  constructor(opts: WatchCacheOptions) {
    this.storage = opts.storage;
    this.prefix = opts.prefix;
    this.capacity = opts.capacity ?? 10_000;
    this.log = opts.logger;
    this.clock = opts.clock;
  }

  /** Starts the cache; resolves after the first successful list. Retries until `stop`. */
  start(): Promise<void> {
    if (!this.ready) {
      this.ready = new Promise((r) => (this.readyResolve = r));
      void this.initLoop();
    }
    return this.ready;
  }

  /** 1. list at a revision, 2. replace the state, 3. watch from that revision; on a terminal watch error start over. */
  private async initLoop(): Promise<void> {
    let delay = 100;
    while (!this.stopped) {
      try {
        const items: Versioned[] = [];
        let startKey: string | undefined;
        let revision = 0;
        do {
          const page = await this.storage.list(this.prefix, { revision, startKey, limit: 5000 });
          revision = page.revision;
          items.push(...page.items);
          startKey = page.nextKey;
        } while (startKey);
        this.resetTo(items, revision);
        await new Promise<void>((resolve) => {
          this.etcdWatch = this.storage.watch(this.prefix, revision, {
            onEvent: (ev) => this.apply(ev),
            onError: (err) => {
              this.log.warn({ prefix: this.prefix, err: err.message }, 'watch cache: etcd watch ended, relisting');
              resolve();
            },
          });
          this.readyResolve?.();
        });
        delay = 100;
      } catch (err) {
        this.log.warn({ prefix: this.prefix, err: (err as Error).message }, 'watch cache: list failed');
        await this.clock.sleep(delay).catch(() => {});
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private resetTo(items: Versioned[], revision: number): void {
    const hadState = this.rev > 0;
    this.objects.clear();
    for (const it of items) this.objects.set(it.key, it);
    this.ring = [];
    this.ringStart = 0;
    this.rev = revision;
    this.windowStart = revision;
    if (hadState) {
      // Watchers may have missed events between the old and new state: end them so clients resume.
      for (const s of [...this.watchers]) {
        this.watchers.delete(s);
        s.w.onClose('reset');
      }
    }
    this.wakeFresh();
  }

  private apply(ev: StorageEvent): void {
    if (ev.rev <= this.rev) return;
    if (ev.type === 'DELETED') this.objects.delete(ev.key);
    else this.objects.set(ev.key, { key: ev.key, obj: ev.obj, rev: ev.rev });
    const cached: CachedEvent = ev;
    this.ring.push(cached);
    if (this.ring.length - this.ringStart > this.capacity) {
      const dropped = this.ring[this.ringStart]!;
      this.windowStart = dropped.rev;
      this.ringStart++;
      if (this.ringStart > this.capacity) {
        this.ring = this.ring.slice(this.ringStart);
        this.ringStart = 0;
      }
    }
    this.rev = ev.rev;
    for (const s of this.watchers) this.deliver(s, cached);
    this.wakeFresh();
  }

  private deliver(s: { w: CacheWatcher; filter: EventFilter }, ev: CachedEvent): void {
    const t = s.filter(ev);
    if (t) s.w.onEvent(t, ev);
  }

  private wakeFresh(): void {
    if (!this.freshWaiters.length) return;
    const due = this.freshWaiters.filter((f) => f.rev <= this.rev);
    this.freshWaiters = this.freshWaiters.filter((f) => f.rev > this.rev);
    for (const f of due) f.resolve();
  }

  /** The revision the cache reflects. */
  revision(): number {
    return this.rev;
  }

  /** Current objects under `keyPrefix` (defaults to all), sorted by key. */
  list(keyPrefix?: string): { items: Versioned[]; revision: number } {
    const items: Versioned[] = [];
    for (const v of this.objects.values()) if (!keyPrefix || v.key.startsWith(keyPrefix)) items.push(v);
    items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items, revision: this.rev };
  }

  get(key: string): Versioned | undefined {
    return this.objects.get(key);
  }

  /** Number of objects cached. */
  size(): number {
    return this.objects.size;
  }

  /**
   * Waits until the cache has seen `rev` (a revision read from etcd); resolves false on timeout.
   * Revisions of other resource types never arrive here, so callers pass the store revision
   * only together with `bumpTo`.
   */
  async waitFresh(rev: number, timeoutMs: number): Promise<boolean> {
    if (this.rev >= rev) return true;
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      new Promise<boolean>((resolve) => this.freshWaiters.push({ rev, resolve: () => resolve(true) })),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return ok;
  }

  /**
   * Subscribes from `fromRev`: replays window events with rev > fromRev, then live ones.
   * `fromRev` 0 means: first ADDED for every current object (filtered), then live events.
   */
  subscribe(fromRev: number, filter: EventFilter, w: CacheWatcher, keyPrefix?: string): Subscription {
    const entry = { w, filter };
    if (fromRev === 0) {
      for (const v of this.list(keyPrefix).items) {
        const ev: CachedEvent = { type: 'ADDED', key: v.key, obj: v.obj, rev: v.rev };
        const t = filter(ev);
        if (t) w.onEvent('ADDED', ev);
      }
    } else {
      if (fromRev < this.windowStart) return 'expired';
      for (let i = this.ringStart; i < this.ring.length; i++) {
        const ev = this.ring[i]!;
        if (ev.rev > fromRev) this.deliver(entry, ev);
      }
    }
    this.watchers.add(entry);
    return { stop: () => this.watchers.delete(entry) };
  }

  /** Number of client watchers. */
  watcherCount(): number {
    return this.watchers.size;
  }

  stop(): void {
    this.stopped = true;
    this.etcdWatch?.stop();
    for (const s of [...this.watchers]) {
      this.watchers.delete(s);
      s.w.onClose('stopped');
    }
  }

  /** The object as of the window (used for filter transitions). */
  static objectOf(ev: CachedEvent): KubeObject {
    return ev.obj;
  }
}
