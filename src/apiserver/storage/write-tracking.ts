// A Storage decorator that remembers the newest revision this process wrote under each tracked
// prefix, so a reader of the watch cache can wait until the cache has seen its own writes
// (read-your-writes for admission plugins that read from the cache instead of etcd).
import type { KubeObject } from '../../api/types/index.js';
import type { ListOpts, ListResult, Storage, StorageWatch, Versioned, WatchHandlers } from './interface.js';

/** The newest revision written through this process under a tracked prefix (0 when none). */
export interface WriteRevisions {
  lastWrite(prefix: string): number;
}

/** Wraps `inner`; writes under one of `prefixes` record their revision. Everything else passes through. */
export class WriteTrackingStorage implements Storage, WriteRevisions {
  private readonly last = new Map<string, number>();

  constructor(private readonly inner: Storage, private readonly prefixes: string[]) {
    for (const p of prefixes) this.last.set(p, 0);
  }

  lastWrite(prefix: string): number {
    return this.last.get(prefix) ?? 0;
  }

  private note(key: string, rev: number): number {
    for (const p of this.prefixes) if (key.startsWith(p) && rev > this.last.get(p)!) this.last.set(p, rev);
    return rev;
  }

  get(key: string): Promise<Versioned | undefined> {
    return this.inner.get(key);
  }
  list(prefix: string, opts?: ListOpts): Promise<ListResult> {
    return this.inner.list(prefix, opts);
  }
  async create(key: string, obj: KubeObject): Promise<number> {
    return this.note(key, await this.inner.create(key, obj));
  }
  async update(key: string, obj: KubeObject, expectedRev: number): Promise<number> {
    return this.note(key, await this.inner.update(key, obj, expectedRev));
  }
  async delete(key: string, expectedRev: number): Promise<number> {
    return this.note(key, await this.inner.delete(key, expectedRev));
  }
  watch(prefix: string, fromRev: number, h: WatchHandlers): StorageWatch {
    return this.inner.watch(prefix, fromRev, h);
  }
  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }
  getRaw(key: string): Promise<{ value: string; rev: number } | undefined> {
    return this.inner.getRaw(key);
  }
  putRaw(key: string, value: string, expectedRev: number): Promise<number> {
    return this.inner.putRaw(key, value, expectedRev);
  }
  deleteRaw(key: string): Promise<void> {
    return this.inner.deleteRaw(key);
  }
  listRawKeys(prefix: string): Promise<string[]> {
    return this.inner.listRawKeys(prefix);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
