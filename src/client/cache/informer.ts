// Reflector + informer (client-go tools/cache): list (paged), then watch from the list's
// resourceVersion; resume from the last seen version when a watch ends; relist on 410; deliver
// handler callbacks synchronously in event order; one shared informer per resource per process.
import type { KubeObject } from '../../api/types/index.js';
import type { Clock } from '../../util/clock.js';
import { realClock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { silentLogger } from '../../util/logger.js';
import { ApiError, type Clientset, type ResourceClient, type ResourceRef } from '../interfaces.js';
import { keyOf, type EventHandler, type IndexFunc, type Informer, type InformerOptions, type SharedInformerFactory } from './interfaces.js';
import { IndexedStore } from './store.js';

export interface InformerDeps {
  client: ResourceClient<KubeObject>;
  opts: InformerOptions;
  clock: Clock;
  logger: Logger;
}

class SharedInformer<T extends KubeObject> implements Informer<T> {
  readonly store = new IndexedStore<T>();
  private readonly handlers: EventHandler<T>[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private started = false;
  private lastRV = '';

  constructor(private readonly d: InformerDeps) {}

  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.store.list()) this.call(h, 'onAdd', o);
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.store.addIndexer(name, fn);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.syncWaiters.push(resolve);
      signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true });
    });
  }

  private call(h: EventHandler<T>, kind: 'onAdd' | 'onDelete', o: T): void;
  private call(h: EventHandler<T>, kind: 'onUpdate', o: T, n: T): void;
  private call(h: EventHandler<T>, kind: 'onAdd' | 'onUpdate' | 'onDelete', o: T, n?: T): void {
    try {
      if (kind === 'onUpdate') h.onUpdate?.(o, n!);
      else h[kind]?.(o);
    } catch (err) {
      this.d.logger.error({ err: (err as Error)?.stack ?? String(err) }, 'informer handler threw');
    }
  }

  private emitAdd(o: T): void {
    for (const h of this.handlers) this.call(h, 'onAdd', o);
  }
  private emitUpdate(a: T, b: T): void {
    for (const h of this.handlers) this.call(h, 'onUpdate', a, b);
  }
  private emitDelete(o: T): void {
    for (const h of this.handlers) this.call(h, 'onDelete', o);
  }

  /** Replaces the store with a fresh list, emitting the differences. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const o of items) {
      const k = keyOf(o);
      seen.add(k);
      const old = this.store.upsert(o);
      if (!old) this.emitAdd(o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) this.emitUpdate(old, o);
    }
    for (const k of this.store.keys()) {
      if (seen.has(k)) continue;
      const old = this.store.remove(k);
      if (old) this.emitDelete(old);
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** 1. list (paged); 2. watch from its version, resuming after drops; 3. on 410 or error, back off and relist. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { client, opts, clock, logger } = this.d;
    let backoff = 200;
    let resync: NodeJS.Timeout | undefined;
    if (opts.resyncMs) {
      resync = setInterval(() => {
        for (const o of this.store.list()) this.emitUpdate(o, o);
      }, opts.resyncMs);
    }
    try {
      while (!signal.aborted) {
        try {
          // 1. list
          const items: T[] = [];
          let cont: string | undefined;
          let rv = '';
          do {
            const page = await client.list(opts.namespace, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: 500, continue: cont });
            items.push(...(page.items as T[]));
            rv = page.metadata.resourceVersion ?? '';
            cont = page.metadata.continue;
          } while (cont);
          this.replace(items);
          this.lastRV = rv;
          backoff = 200;
          // 2. watch, resuming from the last version while the server lets us
          for (;;) {
            if (signal.aborted) return;
            const expired = await this.watchOnce(signal);
            if (expired) break;
          }
        } catch (err) {
          if (signal.aborted) return;
          logger.warn({ resource: client.ref.resource, err: (err as Error).message }, 'informer list/watch failed, retrying');
          await clock.sleep(backoff + Math.floor(Math.random() * backoff), signal).catch(() => {});
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
    } finally {
      clearInterval(resync);
    }
  }

  /** One watch connection; returns true when the version expired (relist needed). */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    const { client, opts } = this.d;
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const stream = client.watch(opts.namespace, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, resourceVersion: this.lastRV, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) }, ctl.signal);
      for await (const ev of stream) {
        const obj = ev.object as T;
        switch (ev.type) {
          case 'ADDED':
          case 'MODIFIED': {
            const old = this.store.upsert(obj);
            if (old) this.emitUpdate(old, obj);
            else this.emitAdd(obj);
            break;
          }
          case 'DELETED': {
            const old = this.store.remove(keyOf(obj));
            this.emitDelete(old ?? obj);
            break;
          }
          case 'BOOKMARK':
            break;
          case 'ERROR': {
            const code = (ev.object as unknown as { code?: number }).code;
            if (code === 410) return true;
            throw new ApiError(code ?? 500, 'WatchError', JSON.stringify(ev.object));
          }
        }
        if (obj?.metadata?.resourceVersion) this.lastRV = obj.metadata.resourceVersion;
      }
      return false;
    } catch (err) {
      if (err instanceof ApiError && err.code === 410) return true;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }
}

class Factory implements SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private signal: AbortSignal | undefined;
  constructor(private readonly cs: Clientset, private readonly clock: Clock, private readonly logger: Logger) {}

  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: InformerOptions = {}): Informer<T> {
    const key = [ref.group, ref.version, ref.resource, opts.namespace ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new SharedInformer({ client: this.cs.resource(ref), opts, clock: this.clock, logger: this.logger.child({ informer: ref.resource }) });
      this.informers.set(key, inf);
      if (this.signal) void inf.start(this.signal);
    }
    return inf as unknown as Informer<T>;
  }

  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const inf of this.informers.values()) void inf.start(signal);
  }

  async waitForSync(signal: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }
}

/** One factory per process; informers are shared by (resource, namespace, selectors). */
export function newSharedInformerFactory(cs: Clientset, opts: { logger?: Logger; clock?: Clock } = {}): SharedInformerFactory {
  return new Factory(cs, opts.clock ?? realClock, opts.logger ?? silentLogger());
}
