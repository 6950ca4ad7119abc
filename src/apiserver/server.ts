// The apiserver: an express app whose request pipeline runs, in order, metrics, in-flight
// limiting, request parsing, authentication, authorization, then the handlers (admission and
// validation run inside the store on writes). Storage is etcd through a watch cache per resource.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Namespace, Node, PriorityClass } from '../api/types/index.js';
import { realClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { AdmissionChain, type AdmissionPlugin } from './admission/interface.js';
import { NamespaceLifecycle } from './admission/namespace-lifecycle.js';
import { PriorityAdmission } from './admission/priority.js';
import { DefaultTolerationSeconds } from './admission/default-toleration-seconds.js';
import { EtcdAllocator } from './allocator/allocator.js';
import { intToIp, parseCidr } from './allocator/cidr.js';
import { allowAll, insecureAuthenticator, type Authenticator, type Authorizer } from './auth.js';
import { bootstrap, reconcileEndpoints, type BootstrapOptions } from './bootstrap.js';
import { errors, StatusError } from './errors.js';
import { decodeBody } from './http/body.js';
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './http/discovery.js';
import { LogProxy } from './http/log-proxy.js';
import { wantsAggregatedDiscovery } from './http/negotiate.js';
import { OpenApiV3, type SchemaSource } from './http/openapi.js';
import { ResourceHandler, type ServedResource } from './http/resource-handler.js';
import { toStatusError, writeJSON, writeStatus } from './http/respond.js';
import { ApiServerMetrics } from './metrics.js';
import { ResourceReader } from './registry/reader.js';
import { ResourceTable, RESOURCES, storagePrefix, type ResourceInfo } from './registry/resources.js';
import { ResourceStore } from './registry/store.js';
import { namespaceStrategy, podStrategy, serviceStrategy } from './registry/strategies.js';
import type { Strategy } from './registry/strategy.js';
import { parseRequestInfo } from './request-info.js';
import { EtcdStorage } from './storage/etcd.js';
import type { Storage } from './storage/interface.js';
import { WatchCache } from './storage/watch-cache.js';
import { schemaFor } from '../api/validation/index.js';

export interface ApiServerOptions {
  etcdServers: string[];
  etcdPrefix?: string;
  bindAddress?: string;
  /** 0 picks a free port. */
  port?: number;
  serviceClusterIPRange?: string;
  serviceNodePortRange?: string;
  /** Address written into the `kubernetes` endpoints. */
  advertiseAddress?: string;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  maxRequestsInflight?: number;
  maxMutatingRequestsInflight?: number;
  watchCacheCapacity?: number;
  /** Storage override (tests); defaults to etcd. */
  storage?: Storage;
  authenticator?: Authenticator;
  authorizer?: Authorizer;
  extraAdmission?: AdmissionPlugin[];
}

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubets',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-22T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const LONG_RUNNING = new Set(['watch']);

/** One apiserver instance. `start` resolves once it listens and bootstrap objects exist. */
export class ApiServer {
  readonly metrics = new ApiServerMetrics();
  private readonly o: Required<Pick<ApiServerOptions, 'etcdPrefix' | 'bindAddress' | 'port' | 'maxRequestsInflight' | 'maxMutatingRequestsInflight'>> & ApiServerOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly table = new ResourceTable(RESOURCES);
  private readonly served = new Map<string, ServedResource>();
  private readonly caches: WatchCache[] = [];
  private storage!: Storage;
  private server: http.Server | undefined;
  private handler!: ResourceHandler;
  private openapi!: OpenApiV3;
  private inflight = { readonly: 0, mutating: 0 };
  private endpointsTimer: NodeJS.Timeout | undefined;
  url = '';

  constructor(opts: ApiServerOptions) {
    this.o = { etcdPrefix: '/registry', bindAddress: '127.0.0.1', port: 8080, maxRequestsInflight: 400, maxMutatingRequestsInflight: 200, ...opts };
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger;
  }

  private key(group: string, version: string, resource: string): string {
    return `${group}/${version}/${resource}`;
  }

  private storeOf(resource: string, group = ''): ResourceStore {
    const r = this.table.all.find((x) => x.resource === resource && x.group === group)!;
    return this.served.get(this.key(r.group, r.version, r.resource))!.store;
  }

  /** 1. storage; 2. allocators and strategies; 3. stores and caches; 4. HTTP; 5. bootstrap objects. */
  async start(): Promise<string> {
    const random = this.o.random ?? Math.random;
    // 1. storage
    this.storage = this.o.storage ?? new EtcdStorage({ endpoints: this.o.etcdServers, logger: this.log.child({ part: 'etcd' }), observe: (op, s) => this.metrics.etcd.observe({ operation: op }, s) });
    // 2. allocators
    const svcCidr = parseCidr(this.o.serviceClusterIPRange ?? '10.96.0.0/12');
    const [portLo, portHi] = (this.o.serviceNodePortRange ?? '30000-32767').split('-').map(Number) as [number, number];
    const ips = new EtcdAllocator({ storage: this.storage, prefix: `${this.o.etcdPrefix}/ranges/serviceips/`, first: 1, last: svcCidr.size - 2, random, format: (n) => intToIp(svcCidr.base + n) });
    const ports = new EtcdAllocator({ storage: this.storage, prefix: `${this.o.etcdPrefix}/ranges/servicenodeports/`, first: portLo, last: portHi, random });
    const strategies: Record<string, Strategy> = {
      '/pods': podStrategy,
      '/namespaces': namespaceStrategy,
      '/services': serviceStrategy({ ips, ports, ipBase: svcCidr.base }),
      '/endpoints': { allowCreateOnUpdate: true },
      'coordination.k8s.io/leases': {},
    };
    // 3. stores, readers, caches
    const nsCacheHolder: { cache?: WatchCache; pcCache?: WatchCache } = {};
    const admission = new AdmissionChain([
      new NamespaceLifecycle(async (name) => {
        const cached = nsCacheHolder.cache?.get(`${storagePrefix(this.o.etcdPrefix, { group: '', resource: 'namespaces' })}${name}`);
        if (cached) return cached.obj as Namespace;
        try {
          return (await this.storeOf('namespaces').get(undefined, name)) as Namespace;
        } catch (err) {
          if (err instanceof StatusError && err.code === 404) return undefined;
          throw err;
        }
      }),
      new PriorityAdmission(async () => {
        const c = nsCacheHolder.pcCache;
        if (!c) return [];
        await c.start();
        return c.list().items.map((v) => v.obj as PriorityClass);
      }, async (name) => {
        try {
          return (await this.storeOf('priorityclasses', 'scheduling.k8s.io').get(undefined, name)) as PriorityClass;
        } catch (err) {
          if (err instanceof StatusError && err.code === 404) return undefined;
          throw err;
        }
      }),
      new DefaultTolerationSeconds(),
      ...(this.o.extraAdmission ?? []),
    ]);
    for (const r of this.table.all) {
      const prefix = storagePrefix(this.o.etcdPrefix, r);
      const cache = new WatchCache({ storage: this.storage, prefix, capacity: this.o.watchCacheCapacity, logger: this.log.child({ cache: r.resource }), clock: this.clock });
      this.caches.push(cache);
      if (r.resource === 'namespaces') nsCacheHolder.cache = cache;
      if (r.resource === 'priorityclasses') nsCacheHolder.pcCache = cache;
      const store = new ResourceStore(r, { storage: this.storage, cache, etcdPrefix: this.o.etcdPrefix, clock: this.clock, random, logger: this.log, admission }, strategies[`${r.group}/${r.resource}`]);
      const reader = new ResourceReader(r, prefix, { storage: this.storage, cache });
      this.served.set(this.key(r.group, r.version, r.resource), { info: r, store, reader });
    }
    for (const c of this.caches) void c.start();
    this.openapi = new OpenApiV3(this.table, schemaFor as SchemaSource);
    const logs = new LogProxy({
      logger: this.log,
      getNode: async (name) => {
        try {
          return (await this.storeOf('nodes').get(undefined, name)) as Node;
        } catch {
          return undefined;
        }
      },
    });
    this.handler = new ResourceHandler({
      find: (g, v, r) => this.served.get(this.key(g, v, r)),
      clock: this.clock,
      logger: this.log,
      logs,
      watchMetrics: { opened: (r) => this.metrics.watchers.inc({ resource: r }), closed: (r) => this.metrics.watchers.dec({ resource: r }) },
    });
    // 4. HTTP
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    app.use((req, res) => {
      void this.pipeline(req, res);
    });
    this.server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, app);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.bindAddress, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.url = `http://${this.o.bindAddress.includes(':') ? `[${this.o.bindAddress}]` : this.o.bindAddress}:${addr.port}`;
    this.log.info({ url: this.url }, 'apiserver listening');
    // 5. bootstrap (retried in the background while etcd is unreachable)
    const bo: BootstrapOptions = {
      store: (res, group) => this.storeOf(res, group),
      kubernetesServiceIP: intToIp(svcCidr.base + 1),
      advertiseAddress: this.o.advertiseAddress ?? '127.0.0.1',
      advertisePort: addr.port,
      servicePort: 443,
      logger: this.log,
    };
    await this.bootstrapWithRetry(bo);
    this.endpointsTimer = setInterval(() => void reconcileEndpoints(bo).catch((e: Error) => this.log.warn({ err: e.message }, 'kubernetes endpoints reconcile failed')), 10_000);
    this.endpointsTimer.unref();
    return this.url;
  }

  private async bootstrapWithRetry(bo: BootstrapOptions): Promise<void> {
    for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await bootstrap(bo);
        return;
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'bootstrap failed, retrying');
        await this.clock.sleep(delay);
      }
    }
  }

  /** Runs the request pipeline; every error becomes a Status response and a log line. */
  private async pipeline(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const kind = LONG_RUNNING.has(info.verb) ? undefined : info.verb === 'get' || info.verb === 'list' ? 'readonly' : 'mutating';
    let admitted = false;
    try {
      // in-flight limits (long-running requests are not counted)
      if (kind && info.isResourceRequest) {
        const limit = kind === 'readonly' ? this.o.maxRequestsInflight : this.o.maxMutatingRequestsInflight;
        if (this.inflight[kind] >= limit) {
          this.metrics.rejected.inc({ request_kind: kind });
          throw errors.tooManyRequests('Too many requests, please try again later.', 1);
        }
        this.inflight[kind]++;
        this.metrics.inflight.set({ request_kind: kind }, this.inflight[kind]);
        admitted = true;
      }
      // authentication and authorization
      const user = await (this.o.authenticator ?? insecureAuthenticator).authenticate(req);
      if (!user) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      const decision = await (this.o.authorizer ?? allowAll).authorize(user, info);
      if (!decision.allowed) throw errors.forbidden({ group: info.group, resource: info.resource }, info.name ?? '', `User "${user.username}" cannot ${info.verb} resource "${info.resource}" in API group "${info.group}"${info.namespace ? ` in the namespace "${info.namespace}"` : ''}`);
      if (info.isResourceRequest) await this.handler.handle(req, res, info, url.searchParams, user);
      else await this.nonResource(req, res, url);
    } catch (err) {
      const se = toStatusError(err);
      if (se.code >= 500) this.log.error({ method: req.method, path: url.pathname, err: (err as Error)?.stack ?? String(err) }, 'request failed');
      else this.log.debug({ method: req.method, path: url.pathname, code: se.code, msg: se.message }, 'request refused');
      if (!res.headersSent) writeStatus(res, se);
      else res.end();
    } finally {
      if (admitted && kind) {
        this.inflight[kind]--;
        this.metrics.inflight.set({ request_kind: kind }, this.inflight[kind]);
      }
      const resource = info.isResourceRequest ? info.resource + (info.subresource ? `/${info.subresource}` : '') : '';
      const record = () => {
        this.metrics.requests.inc({ verb: info.verb, resource, code: String(res.statusCode) });
        if (info.verb !== 'watch') this.metrics.latency.observe({ verb: info.verb, resource }, (performance.now() - start) / 1000);
      };
      if (res.writableFinished) record();
      else res.once('finish', record);
    }
  }

  private async nonResource(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
    switch (p) {
      case '/version':
        return writeJSON(res, 200, VERSION);
      case '/healthz':
      case '/livez':
        return this.text(res, 200, 'ok');
      case '/readyz': {
        const ok = await Promise.race([this.storage.currentRevision().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
        return ok ? this.text(res, 200, 'ok') : this.text(res, 500, '[-]etcd failed: etcd is not reachable\nreadyz check failed');
      }
      case '/metrics':
        res.setHeader('Content-Type', this.metrics.registry.contentType);
        return void res.end(await this.metrics.registry.metrics());
      case '/api':
        if (wantsAggregatedDiscovery(accept)) return writeJSON(res, 200, aggregatedDiscovery(this.table, true), AGGREGATED_CONTENT_TYPE);
        return writeJSON(res, 200, apiVersions(req.headers.host ?? this.url));
      case '/apis':
        if (wantsAggregatedDiscovery(accept)) return writeJSON(res, 200, aggregatedDiscovery(this.table, false), AGGREGATED_CONTENT_TYPE);
        return writeJSON(res, 200, apiGroupList(this.table));
      case '/openapi/v3':
        return writeJSON(res, 200, this.openapi.index());
      case '/':
        return writeJSON(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v3', '/readyz', '/version'] });
    }
    if (p.startsWith('/openapi/v3/')) {
      const doc = this.openapi.doc(p.slice('/openapi/v3/'.length));
      if (!doc) throw errors.notFoundPath(p);
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', url.searchParams.has('hash') ? 'public, immutable' : 'no-cache, private');
      return void res.end(doc);
    }
    const m = /^\/api\/([^/]+)$/.exec(p) ?? /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const [group, version] = p.startsWith('/api/') ? ['', m[1]!] : [m[1]!, m[2]!];
      const doc = apiResourceList(this.table, group, version);
      if (doc) return writeJSON(res, 200, doc);
    }
    const g = /^\/apis\/([^/]+)$/.exec(p);
    if (g) {
      const doc = apiGroupDoc(this.table, g[1]!);
      if (doc) return writeJSON(res, 200, doc);
    }
    throw errors.notFoundPath(p);
  }

  private text(res: ServerResponse, code: number, body: string): void {
    res.statusCode = code;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(body);
  }

  /** Stops serving: closes watches, the listener and etcd. */
  async stop(): Promise<void> {
    clearInterval(this.endpointsTimer);
    for (const c of this.caches) c.stop();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    await this.storage?.close();
  }

  /** The served resources (for in-process tools). */
  resources(): ResourceInfo[] {
    return this.table.all;
  }
}

