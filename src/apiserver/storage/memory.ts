// An in-memory Storage with etcd's revision semantics, for unit tests.
import type { KubeObject } from '../../api/types/index.js';
import { StorageError, type ListOpts, type ListResult, type Storage, type StorageEvent, type StorageWatch, type Versioned, type WatchHandlers } from './interface.js';

interface Entry {
  value: string;
  rev: number;
  createRev: number;
}

export class MemoryStorage implements Storage {
  private rev = 1;
  private readonly data = new Map<string, Entry>();
  private history: StorageEvent[] = [];
  private compactedAt = 0;
  private readonly watchers = new Set<{ prefix: string; h: WatchHandlers }>();

  private decode(key: string, e: Entry): Versioned {
    const obj = JSON.parse(e.value) as KubeObject;
    obj.metadata.resourceVersion = String(e.rev);
    return { key, obj, rev: e.rev };
  }

  private emit(ev: StorageEvent): void {
    this.history.push(ev);
    for (const w of this.watchers) if (ev.key.startsWith(w.prefix)) w.h.onEvent(structuredClone(ev));
  }

  async get(key: string): Promise<Versioned | undefined> {
    const e = this.data.get(key);
    return e ? this.decode(key, e) : undefined;
  }

  async list(prefix: string, opts: ListOpts = {}): Promise<ListResult> {
    if (opts.revision && opts.revision !== this.rev) {
      if (opts.revision < this.compactedAt) throw new StorageError('Compacted', 'required revision has been compacted');
    }
    const keys = [...this.data.keys()].filter((k) => k.startsWith(prefix) && (!opts.startKey || k >= opts.startKey)).sort();
    const limit = opts.limit ?? 0;
    const page = limit ? keys.slice(0, limit) : keys;
    return { items: page.map((k) => this.decode(k, this.data.get(k)!)), revision: opts.revision || this.rev, nextKey: limit && keys.length > limit ? keys[limit] : undefined };
  }

  async create(key: string, obj: KubeObject): Promise<number> {
    if (this.data.has(key)) throw new StorageError('AlreadyExists', `${key} exists`);
    const rev = ++this.rev;
    const { resourceVersion: _r, ...meta } = obj.metadata;
    const e = { value: JSON.stringify({ ...obj, metadata: meta }), rev, createRev: rev };
    this.data.set(key, e);
    this.emit({ type: 'ADDED', key, obj: this.decode(key, e).obj, rev });
    return rev;
  }

  async update(key: string, obj: KubeObject, expectedRev: number): Promise<number> {
    const cur = this.data.get(key);
    if (!cur) throw new StorageError('NotFound', `${key} not found`);
    if (cur.rev !== expectedRev) throw new StorageError('Conflict', `${key} modified`);
    const prev = this.decode(key, cur).obj;
    const rev = ++this.rev;
    const { resourceVersion: _r, ...meta } = obj.metadata;
    const e = { value: JSON.stringify({ ...obj, metadata: meta }), rev, createRev: cur.createRev };
    this.data.set(key, e);
    this.emit({ type: 'MODIFIED', key, obj: this.decode(key, e).obj, prev, rev });
    return rev;
  }

  async delete(key: string, expectedRev: number): Promise<number> {
    const cur = this.data.get(key);
    if (!cur) throw new StorageError('NotFound', `${key} not found`);
    if (cur.rev !== expectedRev) throw new StorageError('Conflict', `${key} modified`);
    const last = this.decode(key, cur).obj;
    const rev = ++this.rev;
    this.data.delete(key);
    last.metadata.resourceVersion = String(rev);
    this.emit({ type: 'DELETED', key, obj: last, prev: last, rev });
    return rev;
  }

  watch(prefix: string, fromRev: number, h: WatchHandlers): StorageWatch {
    if (fromRev + 1 < this.compactedAt) {
      queueMicrotask(() => h.onError(Object.assign(new Error('compacted'), { compacted: true })));
      return { stop: () => {} };
    }
    const entry = { prefix, h };
    for (const ev of this.history) if (ev.rev > fromRev && ev.key.startsWith(prefix)) h.onEvent(structuredClone(ev));
    this.watchers.add(entry);
    return { stop: () => this.watchers.delete(entry) };
  }

  async currentRevision(): Promise<number> {
    return this.rev;
  }

  async getRaw(key: string): Promise<{ value: string; rev: number } | undefined> {
    const e = this.data.get(key);
    return e ? { value: e.value, rev: e.rev } : undefined;
  }

  async putRaw(key: string, value: string, expectedRev: number): Promise<number> {
    const cur = this.data.get(key);
    if (expectedRev === 0 ? cur !== undefined : cur?.rev !== expectedRev) throw new StorageError('Conflict', `${key} modified`);
    const rev = ++this.rev;
    this.data.set(key, { value, rev, createRev: cur?.createRev ?? rev });
    return rev;
  }

  async deleteRaw(key: string): Promise<void> {
    this.data.delete(key);
  }

  async listRawKeys(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Drops history up to `rev` (like etcd compaction). */
  compact(rev: number): void {
    this.compactedAt = rev;
    this.history = this.history.filter((e) => e.rev > rev);
  }

  async close(): Promise<void> {}
}
