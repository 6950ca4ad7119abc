// The apiserver: an express app whose request pipeline runs, in order, metrics, in-flight
// limiting, request parsing, authentication, authorization, then the handlers (admission and
// validation run inside the store on writes). Storage is etcd through a watch cache per resource.
import http from 'node:http';
import { createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { KubeObject, LimitRange, Namespace, Node, Pod, PriorityClass, ResourceList, ServiceAccount } from '../api/types/index.js';
import { realClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { AdmissionChain, type AdmissionPlugin } from './admission/interface.js';
import { NamespaceLifecycle } from './admission/namespace-lifecycle.js';
import { PriorityAdmission } from './admission/priority.js';
import { DefaultTolerationSeconds } from './admission/default-toleration-seconds.js';
import { LimitRanger } from './admission/limit-ranger.js';
import { ServiceAccountAdmission } from './admission/service-account.js';
import { PodSecurityAdmission } from './admission/pod-security/admission.js';
import { ResourceQuotaAdmission } from './admission/quota/admission.js';
import { quotaSources, usageOf, sumUsage, podCounts } from './admission/quota/usage.js';
import { EncryptingCodec } from './encryption/codec.js';
import type { EncryptionRule } from './encryption/config.js';
import { Auditor, type AuditContext } from './audit/auditor.js';
import type { AuditPolicy } from './audit/policy.js';
import type { LineSink } from './audit/log-writer.js';
import { ServiceAccountTokenAuthenticator, bearerToken, type TokenAuthenticator } from './serviceaccount/authenticator.js';
import { TokenEndpoints } from './serviceaccount/endpoints.js';
import type { JwtPublicKey, JwtSigningKey } from './serviceaccount/jwt.js';
import { notesFor, responseObject, sendWarningsWithHeaders } from './request-notes.js';
import { readBody, requireObject } from './http/body.js';
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
import { ResourceTable, RESOURCES, VIRTUAL_RESOURCES, storagePrefix, type ResourceInfo } from './registry/resources.js';
import { ResourceStore } from './registry/store.js';
import { namespaceStrategy, podStrategy, serviceStrategy } from './registry/strategies.js';
import type { Strategy } from './registry/strategy.js';
import { parseRequestInfo } from './request-info.js';
import { EtcdStorage } from './storage/etcd.js';
import type { Storage, Versioned } from './storage/interface.js';
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
  /** NodeRestriction (or another plugin) in its upstream slot: after ServiceAccount, before PodSecurity. */
  nodeRestriction?: AdmissionPlugin;
  /** Encryption at rest (`--encryption-provider-config`); values of covered resources are sealed in etcd. */
  encryption?: EncryptionRule[];
  /** Service-account tokens: TokenRequest, TokenReview and the bearer-token authenticator. */
  serviceAccountTokens?: ServiceAccountTokenOptions;
  /** Audit logging (`--audit-policy-file`, `--audit-log-path`). */
  audit?: { policy: AuditPolicy; sink: LineSink };
  /** Admission plugins to leave out, by name (`--disable-admission-plugins`). */
  disableAdmissionPlugins?: string[];
  /** Namespaces PodSecurity never checks. */
  podSecurityExemptNamespaces?: string[];
}

/** Keys and names for service-account tokens. */
export interface ServiceAccountTokenOptions {
  /** Signs TokenRequest tokens (`--service-account-signing-key-file`). */
  signingKey: JwtSigningKey;
  /** Verify tokens (`--service-account-key-file`); the signing key's public half is always included. */
  publicKeys?: JwtPublicKey[];
  /** `--service-account-issuer` (repeatable; the first one issues). */
  issuers: string[];
  /** `--api-audiences` (default: the issuers). */
  audiences?: string[];
  /** `--service-account-max-token-expiration` in seconds. */
  maxExpirationSeconds?: number;
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
  private readonly table = new ResourceTable([...RESOURCES, ...VIRTUAL_RESOURCES]);
  private readonly served = new Map<string, ServedResource>();
  private readonly caches: WatchCache[] = [];
  private storage!: Storage;
  private server: http.Server | undefined;
  private handler!: ResourceHandler;
  private openapi!: OpenApiV3;
  private inflight = { readonly: 0, mutating: 0 };
  private endpointsTimer: NodeJS.Timeout | undefined;
  private tokens: TokenEndpoints | undefined;
  private auditor: Auditor | undefined;
  /** The service-account token authenticator (when tokens are configured), for an authenticator union. */
  serviceAccountAuthenticator: ServiceAccountTokenAuthenticator | undefined;
  /** Authenticators TokenReview consults after the service-account one (token file, ...). */
  readonly tokenReviewers: TokenAuthenticator[] = [];
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
    const codec = this.o.encryption ? new EncryptingCodec({ rules: this.o.encryption, etcdPrefix: this.o.etcdPrefix, resources: RESOURCES }) : undefined;
    this.storage = this.o.storage ?? new EtcdStorage({ endpoints: this.o.etcdServers, codec, logger: this.log.child({ part: 'etcd' }), observe: (op, s) => this.metrics.etcd.observe({ operation: op }, s) });
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
    const namespaceLookup = async (name: string) => {
      const cached = nsCacheHolder.cache?.get(`${storagePrefix(this.o.etcdPrefix, { group: '', resource: 'namespaces' })}${name}`);
      if (cached) return cached.obj as Namespace;
      try {
        return (await this.storeOf('namespaces').get(undefined, name)) as Namespace;
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) return undefined;
        throw err;
      }
    };
    const disabled = new Set(this.o.disableAdmissionPlugins ?? []);
    const admission = new AdmissionChain([
      new NamespaceLifecycle(namespaceLookup),
      new LimitRanger(async (ns) => this.cachedList<LimitRange>('limitranges', ns)),
      new ServiceAccountAdmission((ns, name) => this.lookup<ServiceAccount>('serviceaccounts', ns, name), random),
      ...(this.o.nodeRestriction ? [this.o.nodeRestriction] : []),
      new PodSecurityAdmission(namespaceLookup, this.o.podSecurityExemptNamespaces),
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
      new ResourceQuotaAdmission({
        list: async (ns) => (await this.storage.list(`${storagePrefix(this.o.etcdPrefix, { group: '', resource: 'resourcequotas' })}${ns}/`)).items,
        get: (key) => this.storage.get(key),
        update: (key, obj, rev) => this.storage.update(key, obj, rev),
        usage: (ns, hard) => this.quotaUsage(ns, hard),
      }),
      ...(this.o.extraAdmission ?? []),
    ].filter((p) => !disabled.has(p.name)));
    for (const r of RESOURCES) {
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
    this.setUpTokens();
    if (this.o.audit) this.auditor = new Auditor({ policy: this.o.audit.policy, sink: this.o.audit.sink, clock: this.clock });
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
    let audit: AuditContext | undefined;
    sendWarningsWithHeaders(req, res);
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
      const user = (this.serviceAccountAuthenticator && bearerToken(req) ? await this.serviceAccountAuthenticator.authenticate(req) : undefined) ?? (await (this.o.authenticator ?? insecureAuthenticator).authenticate(req));
      if (user && this.auditor) audit = this.auditor.begin(req, info, user, url, Date.now());
      if (!user) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      const decision = await (this.o.authorizer ?? allowAll).authorize(user, info);
      if (!decision.allowed) throw errors.forbidden({ group: info.group, resource: info.resource }, info.name ?? '', `User "${user.username}" cannot ${info.verb} resource "${info.resource}" in API group "${info.group}"${info.namespace ? ` in the namespace "${info.namespace}"` : ''}`);
      if (info.isResourceRequest && (await this.tokenEndpoint(req, res, info))) return;
      if (info.isResourceRequest) await this.handler.handle(req, res, info, url.searchParams, user);
      else await this.nonResource(req, res, url);
    } catch (err) {
      // A body whose fields have the wrong JSON types (`"spec": false`) trips the typed code paths;
      // upstream's typed decoding refuses such bodies with 400, and so do we.
      const malformed = err instanceof TypeError && ['create', 'update', 'patch'].includes(info.verb);
      if (malformed) this.log.warn({ method: req.method, path: url.pathname, err: err.message }, 'malformed request body');
      const se = malformed ? errors.badRequest(`the request body does not match the expected object shape: ${err.message}`) : toStatusError(err);
      if (se.code >= 500) this.log.error({ method: req.method, path: url.pathname, err: (err as Error)?.stack ?? String(err) }, 'request failed');
      else this.log.debug({ method: req.method, path: url.pathname, code: se.code, msg: se.message }, 'request refused');
      if (!res.headersSent) writeStatus(res, se);
      else res.end();
    } finally {
      if (audit) this.finishAudit(audit, req, res);
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

  /** Reads an object: watch cache first, then storage; undefined when absent. */
  private async lookup<T extends KubeObject>(resource: string, ns: string | undefined, name: string): Promise<T | undefined> {
    const store = this.storeOf(resource);
    const cached = store.cache.get(store.key(ns, name));
    if (cached) return cached.obj as T;
    try {
      return (await store.get(ns, name)) as T;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** The cached objects of a core resource in one namespace. */
  private cachedList<T extends KubeObject>(resource: string, ns: string): T[] {
    const store = this.storeOf(resource);
    return store.cache.list(`${store.prefix}${ns}/`).items.map((v) => v.obj as T);
  }

  /** Recounts, from storage, what a namespace uses of every name in `hard` (quota admission and status). */
  private async quotaUsage(ns: string, hard: ResourceList): Promise<ResourceList> {
    const usages: ResourceList[] = [];
    for (const src of quotaSources(hard, RESOURCES)) {
      const items: Versioned[] = (await this.storage.list(`${storagePrefix(this.o.etcdPrefix, src)}${ns}/`)).items;
      for (const v of items) {
        if (src.resource === 'pods' && !src.group && !podCounts(v.obj as Pod)) continue;
        usages.push(usageOf(src.group, src.resource, v.obj));
      }
    }
    return sumUsage(hard, usages);
  }

  /** Token endpoints and the service-account authenticator, when keys are configured. */
  private setUpTokens(): void {
    const t = this.o.serviceAccountTokens;
    if (!t) return;
    const pub = { key: createPublicKey(t.signingKey.key), alg: t.signingKey.alg, kid: t.signingKey.kid };
    const keys = [pub, ...(t.publicKeys ?? []).filter((k) => k.kid !== pub.kid)];
    const audiences = t.audiences?.length ? t.audiences : t.issuers;
    this.serviceAccountAuthenticator = new ServiceAccountTokenAuthenticator({
      keys, issuers: t.issuers, audiences, clock: this.clock, logger: this.log.child({ part: 'sa-token' }),
      lookups: {
        serviceAccount: (ns, name) => this.lookup<ServiceAccount>('serviceaccounts', ns, name),
        // Bound objects are read from storage: a deleted pod's token must stop working at once.
        pod: (ns, name) => this.storeOf('pods').get(ns, name).then((o) => o as never, (e) => (e instanceof StatusError && e.code === 404 ? undefined : Promise.reject(e))),
        secret: (ns, name) => this.storeOf('secrets').get(ns, name).then((o) => o as never, (e) => (e instanceof StatusError && e.code === 404 ? undefined : Promise.reject(e))),
      },
    });
    this.tokens = new TokenEndpoints({
      signingKey: t.signingKey, issuer: t.issuers[0]!, audiences, maxExpirationSeconds: t.maxExpirationSeconds, clock: this.clock,
      get: (resource, ns, name) => this.storeOf(resource).get(ns, name).then((o) => o, (e) => (e instanceof StatusError && e.code === 404 ? undefined : Promise.reject(e))),
      reviewers: () => [this.serviceAccountAuthenticator!, ...this.tokenReviewers],
    });
  }

  /** Serves `serviceaccounts/<name>/token` and `tokenreviews`; false when the request is not for them. */
  private async tokenEndpoint(req: IncomingMessage, res: ServerResponse, info: ReturnType<typeof parseRequestInfo>): Promise<boolean> {
    const isToken = info.group === '' && info.resource === 'serviceaccounts' && info.subresource === 'token';
    const isReview = info.group === 'authentication.k8s.io' && info.resource === 'tokenreviews';
    if (!isToken && !isReview) return false;
    if (!this.tokens) throw errors.notFoundPath(info.path);
    if (info.verb !== 'create' || (isReview && info.name !== undefined)) throw errors.methodNotAllowed();
    const body = requireObject(decodeBody(await readBody(req), req.headers['content-type']));
    const out = isToken ? await this.tokens.tokenRequest(info.namespace!, info.name!, body) : await this.tokens.tokenReview(body);
    writeJSON(res, 201, out);
    return true;
  }

  /** Writes the ResponseComplete event with what this request's level records. */
  private finishAudit(ctx: AuditContext, req: IncomingMessage, res: ServerResponse): void {
    const write = () => {
      const notes = notesFor(req);
      let requestObject: unknown;
      if (ctx.level === 'Request' || ctx.level === 'RequestResponse') {
        try {
          if (notes.requestBody?.length) requestObject = decodeBody(notes.requestBody, req.headers['content-type']);
        } catch {
          /* not decodable: left out */
        }
      }
      const out = responseObject(res) as { kind?: string; status?: string; reason?: string; message?: string } | undefined;
      const status = out?.kind === 'Status' ? { status: out.status, reason: out.reason, message: out.message } : undefined;
      this.auditor!.end(ctx, { code: res.statusCode, status, requestObject, responseObject: out, annotations: notes.auditAnnotations });
    };
    if (res.writableFinished) write();
    else res.once('close', write);
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
    await this.auditor?.close();
  }

  /** The served resources (for in-process tools). */
  resources(): ResourceInfo[] {
    return this.table.all;
  }
}

