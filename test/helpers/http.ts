// Minimal HTTP helpers for tests that talk to the apiserver as raw HTTP.
import http from 'node:http';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request; the reply body is parsed when it is JSON. */
export async function req<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
  }
  const r = await fetch(base + path, init);
  const text = await r.text();
  let parsed: unknown = text;
  if ((r.headers.get('content-type') ?? '').includes('json')) parsed = text ? JSON.parse(text) : undefined;
  return { status: r.status, headers: r.headers, body: parsed as T };
}

export interface WatchFrame {
  type: string;
  object: any;
}

/** A live watch stream: collects frames until stopped or the server closes. */
export class WatchStream {
  readonly frames: WatchFrame[] = [];
  closed = false;
  private req: http.ClientRequest;
  private waiters: (() => void)[] = [];
  status = 0;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.req = http.get(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) this.frames.push(JSON.parse(line) as WatchFrame);
        }
        this.wake();
      });
      res.on('end', () => {
        this.closed = true;
        this.wake();
      });
      res.on('error', () => {
        this.closed = true;
        this.wake();
      });
    });
    this.req.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `pred` holds over the frames (or the stream closes); rejects after timeoutMs. */
  async until(pred: (frames: WatchFrame[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.frames)) {
      if (this.closed) {
        if (pred(this.frames)) return;
        throw new Error(`watch closed before condition; ${this.frames.length} frames`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting on watch; ${this.frames.length} frames: ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  stop(): void {
    this.req.destroy();
  }
}

/** Polls `fn` until it returns truthy; throws after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
