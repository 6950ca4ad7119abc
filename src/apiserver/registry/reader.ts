// List and watch of one resource: resourceVersion semantics, selectors, paging, watch cache.
import type { KubeList, KubeObject } from '../../api/types/index.js';
import { parseSelector, SelectorParseError, type Selector } from '../../api/labels.js';
import { fieldsOf, parseFieldSelector, supportedFields, type FieldSelector } from '../../api/fields.js';
import { errors } from '../errors.js';
import { StorageError, type Storage } from '../storage/interface.js';
import type { CachedEvent, CacheWatcher, EventFilter, WatchCache } from '../storage/watch-cache.js';
import { groupVersion, type ResourceInfo } from './resources.js';

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** A compiled predicate over objects. */
export interface Predicate {
  matches(obj: KubeObject): boolean;
  empty: boolean;
}

/** Compiles label + field selectors; 400 on syntax errors or unsupported field labels. */
export function compilePredicate(resource: string, labelSelector?: string, fieldSelector?: string): Predicate {
  let ls: Selector | undefined;
  let fs: FieldSelector | undefined;
  try {
    if (labelSelector) ls = parseSelector(labelSelector);
    if (fieldSelector) fs = parseFieldSelector(fieldSelector);
  } catch (err) {
    if (err instanceof SelectorParseError || err instanceof Error) throw errors.badRequest(err.message);
    throw err;
  }
  if (fs) {
    const supported = new Set(supportedFields(resource));
    for (const r of fs.requirements) if (!supported.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
  }
  const lsEmpty = !ls || ls.empty();
  const fsEmpty = !fs || fs.empty();
  return {
    empty: lsEmpty && fsEmpty,
    matches: (obj) => (lsEmpty || ls!.matches(obj.metadata.labels)) && (fsEmpty || fs!.matches(fieldsOf(resource, obj))),
  };
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString()) as { rv?: unknown; start?: unknown };
    if (typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start.includes('..')) throw new Error('bad');
    return { rv: t.rv, start: t.start };
  } catch {
    throw errors.badRequest('continue key is not valid: invalid continue token');
  }
}

function parseRV(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version: ${JSON.stringify(s)}`);
  return n;
}

export interface ReaderDeps {
  storage: Storage;
  cache: WatchCache;
}

/** Reads lists and serves watches for one resource. */
export class ResourceReader {
  constructor(private readonly info: ResourceInfo, private readonly prefix: string, private readonly d: ReaderDeps) {}

  private scopePrefix(namespace?: string): string {
    return this.info.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  private listOf(items: KubeObject[], rv: number, cont?: string, remaining?: number): KubeList {
    const list: KubeList = {
      kind: `${this.info.kind}List`,
      apiVersion: groupVersion(this.info),
      metadata: { resourceVersion: String(rv) },
      items: items.map((o) => ({ apiVersion: groupVersion(this.info), kind: this.info.kind, ...o }) as KubeObject),
    };
    if (cont) list.metadata.continue = cont;
    if (remaining !== undefined) list.metadata.remainingItemCount = remaining;
    return list;
  }

  /**
   * 1. compile selectors; 2. resourceVersion "0" (or a version the cache has) → from the cache, whole;
   * 3. otherwise from etcd at the latest (or continue-token) revision, paged by `limit`.
   */
  async list(q: ListQuery): Promise<KubeList> {
    const pred = compilePredicate(this.info.resource, q.labelSelector, q.fieldSelector);
    const scope = this.scopePrefix(q.namespace);
    const rvMatch = q.resourceVersionMatch;
    if (rvMatch && rvMatch !== 'Exact' && rvMatch !== 'NotOlderThan') throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${rvMatch}"`);
    if (!q.continue && q.resourceVersion !== undefined && q.resourceVersion !== '' && rvMatch !== 'Exact') {
      const want = parseRV(q.resourceVersion);
      await this.d.cache.start();
      if (want > this.d.cache.revision()) {
        const fresh = await this.d.cache.waitFresh(want, 3000);
        if (!fresh && want > (await this.currentRevision())) throw errors.timeout(`Too large resource version: ${want}, current: ${this.d.cache.revision()}`);
      }
      const { items, revision } = this.d.cache.list(scope);
      const out = items.filter((v) => pred.matches(v.obj)).map((v) => v.obj);
      return this.listOf(out, revision);
    }
    let revision = 0;
    let start = scope;
    if (q.continue) {
      const t = decodeContinue(q.continue);
      revision = t.rv;
      start = scope + t.start;
    } else if (rvMatch === 'Exact' && q.resourceVersion) {
      revision = parseRV(q.resourceVersion);
    }
    const limit = q.limit && q.limit > 0 ? q.limit : 0;
    const out: KubeObject[] = [];
    let next: string | undefined;
    let startKey = start;
    try {
      for (;;) {
        const want = limit ? limit - out.length : 0;
        const page = await this.d.storage.list(scope, { revision, startKey, limit: limit ? (pred.empty ? want : Math.max(want, 100)) : 0 });
        revision = page.revision;
        let cutAt: string | undefined;
        for (const v of page.items) {
          if (limit && out.length >= limit) {
            cutAt = v.key;
            break;
          }
          if (pred.matches(v.obj)) out.push(v.obj);
        }
        if (cutAt !== undefined || !page.nextKey || (limit && out.length >= limit)) {
          next = cutAt ?? page.nextKey;
          break;
        }
        startKey = page.nextKey;
      }
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Compacted') {
        throw errors.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      if (err instanceof StorageError && err.code === 'Unavailable') throw errors.unavailable(`storage is unavailable: ${err.message}`);
      throw err;
    }
    const cont = limit && next !== undefined ? encodeContinue({ rv: revision, start: next.slice(scope.length) }) : undefined;
    return this.listOf(out, revision, cont);
  }

  private async currentRevision(): Promise<number> {
    try {
      return await this.d.storage.currentRevision();
    } catch {
      return 0;
    }
  }

  /**
   * Starts a watch for a client. `resourceVersion` unset or "0": ADDED for current objects first.
   * Returns `expired` when the version is older than the cache window and etcd history.
   */
  async watch(q: ListQuery, sink: CacheWatcher): Promise<{ stop(): void } | 'expired'> {
    const pred = compilePredicate(this.info.resource, q.labelSelector, q.fieldSelector);
    const scope = this.scopePrefix(q.namespace);
    const fromRev = q.resourceVersion ? parseRV(q.resourceVersion) : 0;
    await this.d.cache.start();
    const filter: EventFilter = (ev: CachedEvent) => {
      if (!ev.key.startsWith(scope)) return null;
      if (pred.empty) return ev.type;
      const now = pred.matches(ev.obj);
      if (ev.type === 'DELETED') return now ? 'DELETED' : null;
      const before = ev.prev ? pred.matches(ev.prev) : false;
      if (now && before) return 'MODIFIED';
      if (now) return 'ADDED';
      if (before) return 'DELETED';
      return null;
    };
    const sub = this.d.cache.subscribe(fromRev, filter, sink, scope);
    if (sub !== 'expired') return sub;
    // Older than the cache window: etcd may still have the history. A read at that revision
    // tells whether it was compacted away.
    try {
      await this.d.storage.list(this.prefix, { revision: fromRev, limit: 1 });
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Compacted') return 'expired';
      if (err instanceof StorageError && err.code === 'Unavailable') throw errors.unavailable(`storage is unavailable: ${err.message}`);
      throw err;
    }
    return this.watchFromStorage(fromRev, filter, sink);
  }

  /** A watch older than the cache window (e.g. after an apiserver restart) is served from etcd history directly. */
  private watchFromStorage(fromRev: number, filter: EventFilter, sink: CacheWatcher): Promise<{ stop(): void } | 'expired'> {
    return new Promise((resolve) => {
      let settled = false;
      let caughtUp = false;
      const cacheRev = this.d.cache.revision();
      const w = this.d.storage.watch(this.prefix, fromRev, {
        onEvent: (ev) => {
          if (!settled) {
            settled = true;
            resolve(handle);
          }
          const t = filter(ev);
          if (t) sink.onEvent(t, ev);
          if (!caughtUp && ev.rev >= cacheRev) caughtUp = true;
        },
        onError: (err) => {
          if (!settled) {
            settled = true;
            resolve(err.compacted ? 'expired' : handle);
            if (!err.compacted) sink.onClose('reset');
          } else sink.onClose('reset');
        },
      });
      const handle = { stop: () => w.stop() };
      // No event arriving means nothing happened since fromRev: the watch is simply live.
      setTimeout(() => {
        if (!settled) {
          settled = true;
          resolve(handle);
        }
      }, 200);
    });
  }
}
