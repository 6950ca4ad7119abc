// Storage over etcd v3 (etcd3 npm package): compare-and-swap transactions keyed on mod_revision.
import { Etcd3, type IKeyValue } from 'etcd3';
import type { KubeObject } from '../../api/types/index.js';
import type { Logger } from '../../util/logger.js';
import {
  StorageError,
  type ListOpts,
  type ListResult,
  type Storage,
  type StorageEvent,
  type StorageWatch,
  type Versioned,
  type WatchHandlers,
} from './interface.js';
import type { Codec } from './codec.js';
import { jsonCodec } from './codec.js';

export interface EtcdStorageOptions {
  endpoints: string[];
  logger: Logger;
  /** Value codec (encryption at rest plugs in here). */
  codec?: Codec;
  /** Called with the duration in seconds of every etcd request, by operation. */
  observe?: (op: string, seconds: number) => void;
  /** Deadline of unary etcd calls. */
  requestTimeoutMs?: number;
  /** TLS to etcd: CA bundle, and a client certificate when etcd requires one. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/** Keys read per etcd range request when a list has no limit. */
const LIST_PAGE = 2000;

/** Smallest key greater than every key with this prefix. */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const out = Buffer.from(b.subarray(0, i + 1));
      out[i] = b[i]! + 1;
      return out;
    }
  }
  return Buffer.from([0]);
}

function isUnavailable(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  const msg = (err as Error)?.message ?? '';
  return /Unavailable|Deadline|ECONNREFUSED|No connection|GRPCConnectFailed|Connection|timeout/i.test(name + ' ' + msg);
}

/** etcd-backed Storage. */
export class EtcdStorage implements Storage {
  private readonly client: Etcd3;
  private readonly codec: Codec;
  private readonly log: Logger;
  private readonly observe: (op: string, seconds: number) => void;

  constructor(opts: EtcdStorageOptions) {
    this.client = new Etcd3({
      hosts: opts.endpoints,
      dialTimeout: 3000,
      ...(opts.tls?.ca ? { credentials: { rootCertificate: opts.tls.ca, certChain: opts.tls.cert, privateKey: opts.tls.key } } : {}),
      grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.max_send_message_length': 16 * 1024 * 1024 },
      // Unary calls fail after 5 s so a stalled etcd turns into a 503, never a hung request.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + (opts.requestTimeoutMs ?? 5000) }),
    });
    this.codec = opts.codec ?? jsonCodec;
    this.log = opts.logger;
    this.observe = opts.observe ?? (() => {});
  }

  private async timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StorageError) throw err;
      if (/compact/i.test((err as Error).message)) throw new StorageError('Compacted', (err as Error).message);
      if (isUnavailable(err)) {
        this.log.warn({ op, err: (err as Error).message }, 'etcd unavailable');
        throw new StorageError('Unavailable', `etcd unavailable: ${(err as Error).message}`);
      }
      throw err;
    } finally {
      this.observe(op, (performance.now() - start) / 1000);
    }
  }

  private decode(kv: IKeyValue): Versioned {
    const key = kv.key.toString();
    const obj = this.codec.decode(key, kv.value);
    const rev = Number(kv.mod_revision);
    obj.metadata.resourceVersion = String(rev);
    return this.codec.isStale?.(key, kv.value) ? { key, obj, rev, stale: true } : { key, obj, rev };
  }

  private encode(key: string, obj: KubeObject): Buffer {
    const { resourceVersion: _rv, ...meta } = obj.metadata;
    return this.codec.encode(key, { ...obj, metadata: meta });
  }

  async get(key: string): Promise<Versioned | undefined> {
    return this.timed('get', async () => {
      const res = await this.client.kv.range({ key: Buffer.from(key) });
      const kv = res.kvs[0];
      return kv ? this.decode(kv) : undefined;
    });
  }

  /** Lists keys under `prefix`; an unlimited list is read in pages at one revision so no reply exceeds gRPC's message size. */
  async list(prefix: string, opts: ListOpts = {}): Promise<ListResult> {
    return this.timed('list', async () => {
      const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
      const page = limit || LIST_PAGE;
      let start: Buffer = Buffer.from(opts.startKey ?? prefix);
      const end = prefixEnd(prefix);
      let revision = opts.revision ?? 0;
      const items: Versioned[] = [];
      for (;;) {
        const res = await this.client.kv.range({ key: start, range_end: end, revision, limit: page + 1 });
        if (!revision) revision = Number(res.header.revision);
        const kvs = res.kvs;
        const more = kvs.length > page;
        const take = more ? kvs.slice(0, page) : kvs;
        for (const kv of take) items.push(this.decode(kv));
        if (!more) return { items, revision };
        if (limit) return { items, revision, nextKey: kvs[page]!.key.toString() };
        start = kvs[page]!.key;
      }
    });
  }

  async create(key: string, obj: KubeObject): Promise<number> {
    return this.timed('create', async () => {
      const res = await this.client.kv.txn({
        compare: [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: Buffer.from(key), value: this.encode(key, obj) } }],
        failure: [],
      });
      if (!res.succeeded) throw new StorageError('AlreadyExists', `${key} already exists`);
      return Number(res.header.revision);
    });
  }

  async update(key: string, obj: KubeObject, expectedRev: number): Promise<number> {
    return this.timed('update', async () => {
      const k = Buffer.from(key);
      const res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRev }],
        success: [{ request_put: { key: k, value: this.encode(key, obj) } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) {
        const cur = res.responses[0]?.response_range?.kvs?.length ?? 0;
        throw cur ? new StorageError('Conflict', `${key} was modified`) : new StorageError('NotFound', `${key} not found`);
      }
      return Number(res.header.revision);
    });
  }

  async delete(key: string, expectedRev: number): Promise<number> {
    return this.timed('delete', async () => {
      const k = Buffer.from(key);
      const res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRev }],
        success: [{ request_delete_range: { key: k } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) {
        const cur = res.responses[0]?.response_range?.kvs?.length ?? 0;
        throw cur ? new StorageError('Conflict', `${key} was modified`) : new StorageError('NotFound', `${key} not found`);
      }
      return Number(res.header.revision);
    });
  }

  async getRaw(key: string): Promise<{ value: string; rev: number } | undefined> {
    return this.timed('get', async () => {
      const res = await this.client.kv.range({ key: Buffer.from(key) });
      const kv = res.kvs[0];
      return kv ? { value: kv.value.toString(), rev: Number(kv.mod_revision) } : undefined;
    });
  }

  async putRaw(key: string, value: string, expectedRev: number): Promise<number> {
    return this.timed('update', async () => {
      const k = Buffer.from(key);
      const compare =
        expectedRev === 0
          ? { key: k, target: 'Create' as const, result: 'Equal' as const, create_revision: 0 }
          : { key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedRev };
      const res = await this.client.kv.txn({ compare: [compare], success: [{ request_put: { key: k, value: Buffer.from(value) } }], failure: [] });
      if (!res.succeeded) throw new StorageError('Conflict', `${key} was modified`);
      return Number(res.header.revision);
    });
  }

  async deleteRaw(key: string): Promise<void> {
    await this.timed('delete', async () => {
      await this.client.kv.deleteRange({ key: Buffer.from(key) });
    });
  }

  async listRawKeys(prefix: string): Promise<string[]> {
    return this.timed('list', async () => {
      const res = await this.client.kv.range({ key: Buffer.from(prefix), range_end: prefixEnd(prefix), keys_only: true });
      return res.kvs.map((kv) => kv.key.toString());
    });
  }

  async currentRevision(): Promise<number> {
    return this.timed('get', async () => {
      const res = await this.client.kv.range({ key: Buffer.from('\0'), count_only: true });
      return Number(res.header.revision);
    });
  }

  watch(prefix: string, fromRev: number, h: WatchHandlers): StorageWatch {
    let stopped = false;
    let watcher: { cancel(): Promise<void> } | undefined;
    const builder = this.client.watch().prefix(prefix).withPreviousKV().startRevision(String(fromRev + 1));
    builder
      .create()
      .then((w) => {
        if (stopped) {
          void w.cancel();
          return;
        }
        watcher = w;
        w.on('data', (res) => {
          if (stopped) return;
          if (Number(res.compact_revision) > 0) {
            stopped = true;
            h.onError(Object.assign(new Error(`revision ${fromRev} compacted`), { compacted: true }));
            void w.cancel();
            return;
          }
          for (const ev of res.events) {
            try {
              if (ev.type === 'Put') {
                const cur = this.decode(ev.kv);
                const created = ev.kv.version === '1' || Number(ev.kv.version) === 1;
                const out: StorageEvent = { type: created ? 'ADDED' : 'MODIFIED', key: cur.key, obj: cur.obj, rev: cur.rev };
                // The previous state matters only to filtered watchers: decode it on first use.
                const prevKv = ev.prev_kv;
                if (prevKv) {
                  let memo: KubeObject | undefined;
                  Object.defineProperty(out, 'prev', { enumerable: true, get: () => (memo ??= this.decode(prevKv).obj) });
                }
                h.onEvent(out);
              } else {
                const rev = Number(ev.kv.mod_revision);
                if (!ev.prev_kv) continue;
                const last = this.decode(ev.prev_kv).obj;
                last.metadata.resourceVersion = String(rev);
                h.onEvent({ type: 'DELETED', key: ev.kv.key.toString(), obj: last, prev: last, rev });
              }
            } catch (err) {
              this.log.error({ err: (err as Error).message, prefix }, 'cannot decode watch event');
            }
          }
        });
        w.on('error', (err: Error) => {
          if (stopped) return;
          stopped = true;
          const compacted = /compact/i.test(err.message);
          h.onError(Object.assign(err, { compacted }));
        });
      })
      .catch((err: Error) => {
        if (!stopped) h.onError(err);
      });
    return {
      stop: () => {
        stopped = true;
        void watcher?.cancel().catch(() => {});
      },
    };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
