// Serving a watch over HTTP: chunked newline-delimited JSON frames, one per event, flushed
// per event; bookmarks; timeoutSeconds; 410 Expired as an ERROR frame followed by close.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/types/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { errors } from '../errors.js';
import type { ListQuery, ResourceReader } from '../registry/reader.js';
import { groupVersion, type ResourceInfo } from '../registry/resources.js';
import type { CachedEvent } from '../storage/watch-cache.js';
import type { OutputForm } from './negotiate.js';
import { includeObjectOf, renderObject } from './respond.js';
import type { StorageView } from '../registry/view.js';

/** Counts open watches (a gauge by resource). */
export interface WatchMetrics {
  opened(resource: string): void;
  closed(resource: string): void;
}

export interface ServeWatchOptions {
  reader: ResourceReader;
  info: ResourceInfo;
  query: ListQuery;
  form: OutputForm;
  q: URLSearchParams;
  clock: Clock;
  logger: Logger;
  metrics?: WatchMetrics;
  /** Interval between bookmarks (ms). */
  bookmarkMs?: number;
  /** A watcher whose unsent output exceeds this many bytes is closed (it resumes from its last version). */
  maxBufferedBytes?: number;
  /**
   * A watcher flushed less than this many ms ago waits out the rest before its next write, so a
   * steady stream of single events leaves in batches (default 5; 0 flushes every turn).
   */
  coalesceMs?: number;
  /** Set when the served version is stored as another resource: frames show the served version. */
  view?: StorageView;
}

/**
 * 1. parse timeout and bookmarks; 2. subscribe (410 when too old); 3. write each event as one
 * line, reusing the cached serialization for plain JSON; 4. end on timeout, client close or cache reset.
 */
export async function serveWatch(req: IncomingMessage, res: ServerResponse, o: ServeWatchOptions): Promise<void> {
  const timeoutSeconds = Number(o.q.get('timeoutSeconds') ?? '0');
  const bookmarks = o.q.get('allowWatchBookmarks') === 'true';
  const maxBuffered = o.maxBufferedBytes ?? 64 * 1024 * 1024;
  const gv = groupVersion(o.info);
  let lastRV = o.query.resourceVersion ?? '0';
  let closed = false;
  let sub: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;

  const finish = () => {
    if (closed) return;
    flush();
    closed = true;
    sub?.stop();
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    o.metrics?.closed(o.info.resource);
    res.end();
  };

  const started = () => {
    if (res.headersSent) return;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.flushHeaders();
  };

  // Frames wait here until the end of this event-loop turn, then leave as one chunk: with 100
  // watchers, one write (one syscall) per watcher per turn instead of one per watcher per event.
  // A watcher that wrote within the last `coalesceMs` waits out the rest of that window: when
  // events arrive one per turn (each from its own create), they still leave in batches.
  const coalesceMs = o.coalesceMs ?? 5;
  let pending: (string | Buffer)[] = [];
  let pendingBytes = 0;
  let flushScheduled = false;
  let lastFlushAt = -Infinity;
  const flush = () => {
    flushScheduled = false;
    if (closed || pending.length === 0) return;
    lastFlushAt = o.clock.now();
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)), pendingBytes);
    pending = [];
    pendingBytes = 0;
    res.write(out);
    if (res.writableLength > maxBuffered) {
      o.logger.warn({ resource: o.info.resource }, 'watch client too slow, closing');
      finish();
    }
  };
  const send = (line: string | Buffer) => {
    if (closed) return;
    started();
    pending.push(line);
    pendingBytes += typeof line === 'string' ? Buffer.byteLength(line) : line.length;
    if (!flushScheduled) {
      flushScheduled = true;
      const wait = lastFlushAt + coalesceMs - o.clock.now();
      if (wait > 0) setTimeout(flush, wait);
      else setImmediate(flush);
    }
  };

  const frame = (type: 'ADDED' | 'MODIFIED' | 'DELETED', ev: CachedEvent): string | Buffer => {
    const obj = () => ({ apiVersion: gv, kind: o.info.kind, ...ev.obj }) as KubeObject;
    if (o.form === 'table') return JSON.stringify({ type, object: renderObject(o.info.resource, obj(), o.form, o.clock.now(), includeObjectOf(o.q)) }) + '\n';
    // The shared frame cache holds the stored version's frames: a view serializes its own.
    if (o.view) return JSON.stringify({ type, object: renderObject(o.info.resource, o.view.fromStorage(ev.obj), o.form, o.clock.now(), includeObjectOf(o.q)) }) + '\n';
    if (o.form !== 'object') return JSON.stringify({ type, object: renderObject(o.info.resource, obj(), o.form, o.clock.now(), includeObjectOf(o.q)) }) + '\n';
    // Plain JSON frames are serialized once per event and type, then shared by every watcher.
    ev.frames ??= {};
    return (ev.frames[type] ??= Buffer.from(`{"type":"${type}","object":${JSON.stringify(obj())}}\n`));
  };

  o.metrics?.opened(o.info.resource);
  req.on('close', finish);
  res.on('error', finish);

  let result: { stop(): void } | 'expired';
  try {
    result = await o.reader.watch(o.query, {
      onEvent: (type, ev) => {
        lastRV = String(ev.rev);
        send(frame(type, ev));
      },
      onClose: () => finish(),
    });
  } catch (err) {
    o.metrics?.closed(o.info.resource);
    closed = true;
    throw err;
  }
  if (result === 'expired') {
    // As upstream: a 200 stream carrying one ERROR event, then close, so clients relist.
    const s = errors.expired(`too old resource version: ${o.query.resourceVersion} (${lastRV})`).status;
    send(JSON.stringify({ type: 'ERROR', object: s }) + '\n');
    finish();
    return;
  }
  if (closed) {
    result.stop();
    return;
  }
  sub = result;
  started();
  if (timeoutSeconds > 0) timer = setTimeout(finish, timeoutSeconds * 1000);
  if (bookmarks) {
    bookmarkTimer = setInterval(() => {
      send(JSON.stringify({ type: 'BOOKMARK', object: { kind: o.info.kind, apiVersion: gv, metadata: { resourceVersion: lastRV } } }) + '\n');
    }, o.bookmarkMs ?? 30_000);
  }
}
