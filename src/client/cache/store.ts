// An indexed object cache keyed "namespace/name" (the informer's store).
import type { KubeObject } from '../../api/types/index.js';
import { keyOf, type IndexFunc, type Store } from './interfaces.js';

export class IndexedStore<T extends KubeObject = KubeObject> implements Store<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer('namespace', (o) => [o.metadata.namespace ?? '']);
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [k, o] of this.items) for (const v of fn(o)) this.file(idx, v, k);
  }

  private file(idx: Map<string, Set<string>>, v: string, key: string): void {
    let s = idx.get(v);
    if (!s) idx.set(v, (s = new Set()));
    s.add(key);
  }

  private unfile(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const s = idx.get(v);
        s?.delete(key);
        if (s && !s.size) idx.delete(v);
      }
    }
  }

  /**
   * Inserts or replaces; returns the previous object. An index whose values did not change is left
   * as it was, so `byIndex` lists objects in the same (first insertion) order as `list`.
   */
  upsert(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      const now = fn(obj);
      if (old) {
        const before = fn(old);
        if (before.length === now.length && before.every((v, i) => v === now[i])) continue;
        for (const v of before) {
          const s = idx.get(v);
          s?.delete(key);
          if (s && !s.size) idx.delete(v);
        }
      }
      for (const v of now) this.file(idx, v, key);
    }
    return old;
  }

  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (old) {
      this.unfile(key, old);
      this.items.delete(key);
    }
    return old;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }
  list(): T[] {
    return [...this.items.values()];
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
  byIndex(indexName: string, value: string): T[] {
    const idx = this.indices.get(indexName);
    if (!idx) throw new Error(`index ${indexName} does not exist`);
    return [...(idx.get(value) ?? [])].map((k) => this.items.get(k)!).filter(Boolean);
  }
}
