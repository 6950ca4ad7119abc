// The HTTP clientset: typed ResourceClients over node http/https with keep-alive, watch as an
// async iterable over the newline-delimited JSON stream, Status errors as ApiError.
import http from 'node:http';
import https from 'node:https';
import type { DeleteOptions, KubeList, KubeObject, Status, WatchEvent } from '../api/types/index.js';
import type { Logger } from '../util/logger.js';
import { ApiError, PATCH_CONTENT_TYPES, type Clientset, type ListOptions, type PatchType, type ResourceClient, type ResourceRef, type WriteOptions } from './interfaces.js';
import { loadKubeconfig } from './kubeconfig.js';
import { resourcePath } from './resources.js';

export interface RestClientOptions {
  server: string;
  token?: string;
  caData?: Buffer | string;
  certData?: Buffer | string;
  keyData?: Buffer | string;
  insecureSkipTLSVerify?: boolean;
  userAgent?: string;
  logger?: Logger;
  /** Per-request timeout for non-watch calls. */
  timeoutMs?: number;
  /** How many times a 429 is retried (honouring Retry-After). */
  maxRetries?: number;
}

interface RawReply {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

function toQuery(o: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function listQuery(o: ListOptions = {}, watch = false): string {
  return toQuery({
    labelSelector: o.labelSelector,
    fieldSelector: o.fieldSelector,
    limit: o.limit,
    continue: o.continue,
    resourceVersion: o.resourceVersion,
    resourceVersionMatch: o.resourceVersionMatch,
    timeoutSeconds: o.timeoutSeconds,
    allowWatchBookmarks: o.allowWatchBookmarks,
    watch: watch ? 'true' : undefined,
  });
}

function writeQuery(o: WriteOptions = {}): Record<string, string | boolean | undefined> {
  return { fieldManager: o.fieldManager, dryRun: o.dryRun ? 'All' : undefined, force: o.force };
}

/** Builds an ApiError from a non-2xx reply (Status body or plain text). */
export function apiErrorOf(status: number, body: Buffer): ApiError {
  const text = body.toString();
  try {
    const s = JSON.parse(text) as Status;
    if (s && s.kind === 'Status') return new ApiError(s.code ?? status, s.reason ?? '', s.message ?? text, s);
  } catch {
    /* not JSON */
  }
  return new ApiError(status, status === 404 ? 'NotFound' : 'Unknown', text.trim() || `the server answered ${status}`);
}

/** Clientset over HTTP(S). */
export class RestClientset implements Clientset {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly watchAgent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly headers: Record<string, string>;
  private readonly o: RestClientOptions;
  private readonly clients = new Map<string, ResourceClient>();

  constructor(o: RestClientOptions) {
    this.o = o;
    this.base = new URL(o.server);
    const tls = this.base.protocol === 'https:';
    this.mod = tls ? https : http;
    const agentOpts = { keepAlive: true, maxSockets: 64, ...(tls ? { ca: o.caData, cert: o.certData, key: o.keyData, rejectUnauthorized: !o.insecureSkipTLSVerify } : {}) };
    this.agent = tls ? new https.Agent(agentOpts) : new http.Agent(agentOpts);
    this.watchAgent = tls ? new https.Agent({ ...agentOpts, maxSockets: Infinity }) : new http.Agent({ ...agentOpts, maxSockets: Infinity });
    this.headers = { 'User-Agent': o.userAgent ?? 'kubets', Accept: 'application/json' };
    if (o.token) this.headers.Authorization = `Bearer ${o.token}`;
  }

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const key = `${ref.group}/${ref.version}/${ref.resource}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new RestResourceClient(this, ref);
      this.clients.set(key, c);
    }
    return c as unknown as ResourceClient<T>;
  }

  /** One request; retries 429 with Retry-After up to maxRetries. */
  async raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawReply> {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    for (let attempt = 0; ; attempt++) {
      const reply = await this.once(method, path, data, contentType);
      if (reply.status === 429 && attempt < (this.o.maxRetries ?? 5)) {
        const after = Number(reply.headers['retry-after'] ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(Math.max(after, 0.1), 10) * 1000));
        continue;
      }
      return reply;
    }
  }

  private once(method: string, path: string, data: Buffer | undefined, contentType: string): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...this.headers };
      if (data) {
        headers['Content-Type'] = contentType;
        headers['Content-Length'] = data.length;
      }
      const req = this.mod.request(
        { protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, path, method, headers, agent: this.agent, timeout: this.o.timeoutMs ?? 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`request ${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  /** Sends a request and parses the JSON answer; non-2xx rejects with ApiError. */
  async json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const r = await this.raw(method, path, body, contentType);
    if (r.status < 200 || r.status >= 300) throw apiErrorOf(r.status, r.body);
    return JSON.parse(r.body.toString()) as T;
  }

  /** Streams a watch: yields frames until the server closes or `signal` aborts. */
  async *stream<T>(path: string, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    if (signal.aborted) return;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = this.mod.request({ protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, path, method: 'GET', headers: this.headers, agent: this.watchAgent });
      const onAbort = () => req.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('response', (r) => {
        r.on('close', () => signal.removeEventListener('abort', onAbort));
        resolve(r);
      });
      req.on('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      });
      req.end();
    });
    if ((res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw apiErrorOf(res.statusCode ?? 0, Buffer.concat(chunks));
    }
    let buf = '';
    res.setEncoding('utf8');
    try {
      for await (const chunk of res) {
        buf += chunk as string;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      res.destroy();
    }
  }

  /** Releases sockets. */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

class RestResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(private readonly c: RestClientset, readonly ref: ResourceRef) {}

  private path(ns: string | undefined, name?: string, sub?: string): string {
    return resourcePath(this.ref, this.ref.namespaced ? ns : undefined, name, sub);
  }

  list(ns: string | undefined, opts?: ListOptions): Promise<KubeList<T>> {
    return this.c.json('GET', this.path(ns) + listQuery(opts));
  }
  get(ns: string | undefined, name: string): Promise<T> {
    return this.c.json('GET', this.path(ns, name));
  }
  create(ns: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.c.json('POST', this.path(ns) + toQuery(writeQuery(opts)), obj);
  }
  update(ns: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.c.json('PUT', this.path(ns, obj.metadata.name) + toQuery(writeQuery(opts)), obj);
  }
  updateStatus(ns: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.c.json('PUT', this.path(ns, obj.metadata.name, 'status') + toQuery(writeQuery(opts)), obj);
  }
  updateSubresource(ns: string | undefined, obj: T, subresource: string, opts?: WriteOptions): Promise<T> {
    return this.c.json('PUT', this.path(ns, obj.metadata.name, subresource) + toQuery(writeQuery(opts)), obj);
  }
  patch(ns: string | undefined, name: string, type: PatchType, body: unknown, opts?: WriteOptions & { subresource?: string }): Promise<T> {
    return this.c.json('PATCH', this.path(ns, name, opts?.subresource) + toQuery(writeQuery(opts)), body, PATCH_CONTENT_TYPES[type]);
  }
  delete(ns: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status> {
    return this.c.json('DELETE', this.path(ns, name), opts ?? undefined);
  }
  deleteCollection(ns: string | undefined, opts: ListOptions & DeleteOptions = {}): Promise<KubeList<T> | Status> {
    const { labelSelector, fieldSelector, ...del } = opts;
    return this.c.json('DELETE', this.path(ns) + listQuery({ labelSelector, fieldSelector }), del);
  }
  watch(ns: string | undefined, opts: ListOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    return this.c.stream<T>(this.path(ns) + listQuery(opts, true), signal);
  }
  createSubresource(ns: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown> {
    return this.c.json('POST', this.path(ns, name, subresource), body);
  }
}

/** A clientset from a kubeconfig file. */
export function clientsetFromKubeconfig(path: string, userAgent: string, logger?: Logger): RestClientset {
  const k = loadKubeconfig(path);
  return new RestClientset({ server: k.server, token: k.token, caData: k.caData, certData: k.certData, keyData: k.keyData, insecureSkipTLSVerify: k.insecureSkipTLSVerify, userAgent, logger });
}
