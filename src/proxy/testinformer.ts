// Test helper: an in-memory Informer whose contents tests set directly (add/update/delete fire handlers).
import type { KubeObject } from '../api/types/index.js';
import { keyOf, type EventHandler, type IndexFunc, type Informer, type Store } from '../client/cache/interfaces.js';

/** A synced informer over a Map; `set`/`remove` change it and notify handlers. */
export class StaticInformer<T extends KubeObject> implements Informer<T> {
  private readonly items = new Map<string, T>();
  private readonly handlers: EventHandler<T>[] = [];
  private readonly indexers = new Map<string, IndexFunc<T>>();
  readonly store: Store<T>;

  constructor(initial: T[] = []) {
    for (const o of initial) this.items.set(keyOf(o), o);
    const items = this.items;
    const indexers = this.indexers;
    this.store = {
      get: (k) => items.get(k),
      list: () => [...items.values()],
      keys: () => [...items.keys()],
      byIndex: (name, value) => {
        const fn = indexers.get(name);
        if (!fn) throw new Error(`unknown index ${name}`);
        return [...items.values()].filter((o) => fn(o).includes(value));
      },
    };
  }
  set(obj: T): void {
    const old = this.items.get(keyOf(obj));
    this.items.set(keyOf(obj), obj);
    for (const h of this.handlers) old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj);
  }
  remove(obj: T): void {
    const old = this.items.get(keyOf(obj));
    if (!old) return;
    this.items.delete(keyOf(obj));
    for (const h of this.handlers) h.onDelete?.(old);
  }
  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    for (const o of this.items.values()) h.onAdd?.(o);
  }
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
  }
  hasSynced(): boolean {
    return true;
  }
  async waitForSync(): Promise<void> {}
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  }
}
