// The apiserver: an express app whose request pipeline runs, in order, metrics, in-flight
// limiting, request parsing, authentication, authorization, then the handlers (admission and
// validation run inside the store on writes). Storage is etcd through a watch cache per resource.
import http from 'node:http';
import https from 'node:https';
import { createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { EndpointSlice, KubeObject, LimitRange, Namespace, Node, Pod, PriorityClass, ResourceList, ResourceQuota, Service, ServiceAccount } from '../api/types/index.js';
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
import { quotaSources } from './admission/quota/usage.js';
import { computeUsed, type NamespaceObjects } from '../api/quota-usage.js';
import { EncryptingCodec } from './encryption/codec.js';
import type { EncryptionRule } from './encryption/config.js';
import { Auditor, type AuditContext } from './audit/auditor.js';
import type { AuditPolicy } from './audit/policy.js';
import type { LineSink } from './audit/log-writer.js';
import { ServiceAccountTokenAuthenticator, bearerToken, type TokenAuthenticator } from './serviceaccount/authenticator.js';
import { TokenEndpoints } from './serviceaccount/endpoints.js';
import type { JwtPublicKey, JwtSigningKey } from './serviceaccount/jwt.js';
import { notesFor, responseObject, sendWarningsWithHeaders } from './request-notes.js';
import { EtcdAllocator } from './allocator/allocator.js';
import { intToIp, parseCidr } from './allocator/cidr.js';
import type { UserInfo } from './admission/interface.js';
import { NodeRestriction } from './admission/node-restriction.js';
import { WriteTrackingStorage } from './storage/write-tracking.js';
import { impersonate } from './authn/impersonation.js';
import { allowAll, insecureAuthenticator, type AuthorizationDecision, type Authenticator, type Authorizer } from './auth.js';
import { TokenFileAuthenticator } from './authn/token-file.js';
import { UnionAuthenticator } from './authn/union.js';
import { X509Authenticator } from './authn/x509.js';
import { NODE_RULES } from './authz/bootstrap-policy.js';
import { CachePodsByNode, CacheRbacSource, type PrefixedCache } from './authz/cache-source.js';
import { NodeAuthorizer, nodeNameOf } from './authz/node.js';
import { PolicyController } from './authz/policy-controller.js';
import { RbacAuthorizer } from './authz/rbac.js';
import { RbacEscalationCheck } from './authz/escalation-check.js';
import type { ClusterRole, Role } from '../api/types/rbac.js';
import { attributesOf, forbiddenReason, type AuthzAttributes } from './authz/rules.js';
import { UnionAuthorizer } from './authz/union.js';
import { answerReview, REVIEW_RESOURCES, type ReviewContext } from './reviews/reviews.js';
import { serverTlsOptions } from '../util/tls.js';
import { bootstrap, reconcileEndpoints, type BootstrapOptions } from './bootstrap.js';
import { errors, StatusError } from './errors.js';
import { decodeBody, readBody, requireObject } from './http/body.js';
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './http/discovery.js';
import { LogProxy } from './http/log-proxy.js';
import { ResourceProxy } from './http/resource-proxy.js';
import { renderHealth } from './http/health.js';
import { PodStreamProxy, STREAM_SUBRESOURCES, streamCreateAttributes } from './http/pod-stream.js';
import { acceptUpgrades } from '../util/upgrade-proxy.js';
import { wantsAggregatedDiscovery } from './http/negotiate.js';
import { OpenApiV3, type SchemaSource } from './http/openapi.js';
import { OpenApiV2, OPENAPI_V2_NOT_ACCEPTABLE, openApiV2Form } from './http/openapi-v2.js';
import { ResourceHandler, type ServedResource } from './http/resource-handler.js';
import { toStatusError, writeJSON, writeStatus } from './http/respond.js';
import { ApiServerMetrics } from './metrics.js';
import { ResourceReader } from './registry/reader.js';
import { ResourceTable, RESOURCES, VIEWED_RESOURCES, VIRTUAL_RESOURCES, storagePrefix, type ResourceInfo } from './registry/resources.js';
import { viewedResources } from './registry/view.js';
import { ResourceStore } from './registry/store.js';
import { namespaceStrategy, podStrategy, serviceStrategy } from './registry/strategies.js';
import type { Strategy } from './registry/strategy.js';
import { parseRequestInfo } from './request-info.js';
import { EtcdStorage } from './storage/etcd.js';
import type { Storage, Versioned } from './storage/interface.js';
import { WatchCache } from './storage/watch-cache.js';
import { schemaFor } from '../api/validation/index.js';

/** The secure (HTTPS) listener and how it authenticates. */
export interface SecureServingOptions {
  /** 0 picks a free port. */
  port: number;
  bindAddress?: string;
  /** PEM serving certificate (chain) and key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM CA bundle for client certificates; no x509 authentication without it. */
  clientCA?: string | Buffer;
  /** Static bearer tokens (`--token-auth-file`). */
  tokenAuthFile?: string;
  /** Treat requests without credentials as system:anonymous (default false). */
  anonymous?: boolean;
}

/** TLS client material for the apiserver's own outbound connections (etcd, kubelets). */
export interface ClientTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface ApiServerOptions {
  etcdServers: string[];
  /** Client certificate for etcd (`--etcd-cafile/--etcd-certfile/--etcd-keyfile`). */
  etcdTls?: ClientTls;
  /** Client certificate and CA for calls to kubelets. */
  kubeletTls?: ClientTls;
  /** HTTPS listener; when set, `url` is its address and the insecure port is off unless `insecure`. */
  secure?: SecureServingOptions;
  /** Serve the insecure loopback port (`port`/`bindAddress`) too; default: only without `secure`. */
  insecure?: boolean;
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
  /** Bearer authenticators tried after client certificates and static tokens (service-account JWTs). */
  authenticators?: Authenticator[];
  /** Overrides the secure port's Node+RBAC authorization. */
  authorizer?: Authorizer;
  extraAdmission?: AdmissionPlugin[];
  /** The insecure port's authenticator (tests); by default every insecure request is a cluster admin. */
  authenticator?: Authenticator;
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
  private readonly table = new ResourceTable([...RESOURCES, ...VIEWED_RESOURCES, ...VIRTUAL_RESOURCES]);
  private readonly discovery = new ResourceTable([...RESOURCES, ...VIEWED_RESOURCES, ...VIRTUAL_RESOURCES, ...REVIEW_RESOURCES]);
  private readonly served = new Map<string, ServedResource>();
  private readonly caches: WatchCache[] = [];
  private storage!: Storage;
  private server: http.Server | undefined;
  private insecureServer: http.Server | undefined;
  private authn!: Authenticator;
  private insecureAuthn: Authenticator = insecureAuthenticator;
  private authz!: Authorizer;
  private rbac!: RbacAuthorizer;
  private reviews!: ReviewContext;
  private policy: PolicyController | undefined;
  private handler!: ResourceHandler;
  private proxies!: ResourceProxy;
  private openapi!: OpenApiV3;
  private openapiV2!: OpenApiV2;
  private inflight = { readonly: 0, mutating: 0 };
  private endpointsTimer: NodeJS.Timeout | undefined;
  private tokens: TokenEndpoints | undefined;
  private auditor: Auditor | undefined;
  /** The service-account token authenticator (when tokens are configured), for an authenticator union. */
  serviceAccountAuthenticator: ServiceAccountTokenAuthenticator | undefined;
  /** Authenticators TokenReview consults after the service-account one (token file, ...). */
  readonly tokenReviewers: TokenAuthenticator[] = [];
  /** `--api-audiences` (the service-account issuers by default). */
  private apiAudiences: string[] = [];
  /** The main address: the secure port when serving TLS, else the insecure one. */
  url = '';
  /** The insecure loopback address when it is served. */
  insecureUrl = '';

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
    const quotaPrefix = storagePrefix(this.o.etcdPrefix, { group: '', resource: 'resourcequotas' });
    const writes = new WriteTrackingStorage(this.o.storage ?? new EtcdStorage({ endpoints: this.o.etcdServers, tls: this.o.etcdTls, codec, logger: this.log.child({ part: 'etcd' }), observe: (op, s) => this.metrics.etcd.observe({ operation: op }, s) }), [quotaPrefix]);
    this.storage = writes;
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
    const nsCacheHolder: { cache?: WatchCache; pcCache?: WatchCache; rqCache?: WatchCache } = {};
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
    const RG = 'rbac.authorization.k8s.io';
    const escalation = new RbacEscalationCheck({
      authorizer: { authorize: (u, a) => this.authz.authorize(u, a) },
      rulesFor: (u, ns) => this.rbac.rulesFor(u, ns),
      roleRules: async (ref, ns) => {
        const role = ref.kind === 'ClusterRole' ? await this.lookup<ClusterRole>('clusterroles', undefined, ref.name, RG) : await this.lookup<Role>('roles', ns, ref.name, RG);
        return role ? role.rules ?? [] : undefined;
      },
    });
    const admission = new AdmissionChain([
      escalation,
      new NamespaceLifecycle(namespaceLookup),
      new LimitRanger(async (ns) => this.cachedList<LimitRange>('limitranges', ns)),
      new ServiceAccountAdmission((ns, name) => this.lookup<ServiceAccount>('serviceaccounts', ns, name), random),
      new NodeRestriction(),
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
        // From the watch cache once it has seen every quota write of this apiserver (a create pays
        // no etcd read for quotas); live from etcd when the cache lags behind.
        list: async (ns) => {
          const c = nsCacheHolder.rqCache!;
          await c.start();
          if (await c.waitFresh(writes.lastWrite(quotaPrefix), 1000)) return c.list(`${quotaPrefix}${ns}/`).items;
          return (await this.storage.list(`${quotaPrefix}${ns}/`)).items;
        },
        get: (key) => this.storage.get(key),
        update: (key, obj, rev) => this.storage.update(key, obj, rev),
        usage: (ns, quota) => this.quotaUsage(ns, quota),
        now: () => this.clock.now(),
      }),
      ...(this.o.extraAdmission ?? []),
    ].filter((p) => p === escalation || !disabled.has(p.name)));
    for (const r of RESOURCES) {
      const prefix = storagePrefix(this.o.etcdPrefix, r);
      const cache = new WatchCache({ storage: this.storage, prefix, capacity: this.o.watchCacheCapacity, logger: this.log.child({ cache: r.resource }), clock: this.clock });
      this.caches.push(cache);
      if (r.resource === 'namespaces') nsCacheHolder.cache = cache;
      if (r.resource === 'priorityclasses') nsCacheHolder.pcCache = cache;
      if (r.resource === 'resourcequotas' && !r.group) nsCacheHolder.rqCache = cache;
      const store = new ResourceStore(r, { storage: this.storage, cache, etcdPrefix: this.o.etcdPrefix, clock: this.clock, random, logger: this.log, admission }, strategies[`${r.group}/${r.resource}`]);
      const reader = new ResourceReader(r, prefix, { storage: this.storage, cache });
      this.served.set(this.key(r.group, r.version, r.resource), { info: r, store, reader });
    }
    // Versions stored as another resource share its store, reader and watch cache.
    for (const v of viewedResources()) {
      const stored = [...this.served.values()].find((s) => s.info.group === v.storedAs.group && s.info.resource === v.storedAs.resource)!;
      this.served.set(this.key(v.info.group, v.info.version, v.info.resource), { info: v.info, store: stored.store, reader: stored.reader, view: v.view });
    }
    for (const c of this.caches) void c.start();
    this.setUpTokens();
    this.setUpAuth();
    if (this.o.audit) this.auditor = new Auditor({ policy: this.o.audit.policy, sink: this.o.audit.sink, clock: this.clock });
    this.openapi = new OpenApiV3(this.table, schemaFor as SchemaSource);
    this.openapiV2 = new OpenApiV2(this.table, schemaFor as SchemaSource);
    const getNode = async (name: string) => {
      try {
        return (await this.storeOf('nodes').get(undefined, name)) as Node;
      } catch {
        return undefined;
      }
    };
    const logs = new LogProxy({ logger: this.log, tls: this.o.kubeletTls, getNode });
    const streams = new PodStreamProxy({ logger: this.log, tls: this.o.kubeletTls, getNode });
    this.proxies = this.resourceProxy(random);
    this.handler = new ResourceHandler({
      find: (g, v, r) => this.served.get(this.key(g, v, r)),
      clock: this.clock,
      logger: this.log,
      logs,
      streams,
      watchMetrics: { opened: (r) => this.metrics.watchers.inc({ resource: r }), closed: (r) => this.metrics.watchers.dec({ resource: r }) },
    });
    // 4. HTTP
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    app.use((req, res) => {
      void this.pipeline(req, res);
    });
    const httpOpts = { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 };
    const sec = this.o.secure;
    let advertisePort: number;
    if (sec) {
      this.server = https.createServer({ ...httpOpts, ...serverTlsOptions({ cert: sec.cert, key: sec.key, clientCA: sec.clientCA }) }, app);
      acceptUpgrades(this.server, (req, res) => void this.pipeline(req, res));
      const host = sec.bindAddress ?? '0.0.0.0';
      advertisePort = await this.listen(this.server, sec.port, host);
      this.url = `https://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : hostPort(host)}:${advertisePort}`;
    }
    if (!sec || this.o.insecure) {
      this.insecureServer = http.createServer(httpOpts, app);
      acceptUpgrades(this.insecureServer, (req, res) => void this.pipeline(req, res));
      const port = await this.listen(this.insecureServer, this.o.port, this.o.bindAddress);
      this.insecureUrl = `http://${hostPort(this.o.bindAddress)}:${port}`;
      if (!sec) {
        this.server = this.insecureServer;
        this.insecureServer = undefined;
        this.url = this.insecureUrl;
        advertisePort = port;
      }
    }
    this.log.info({ url: this.url, insecureUrl: this.insecureUrl || undefined }, 'apiserver listening');
    // 5. bootstrap (retried in the background while etcd is unreachable)
    const bo: BootstrapOptions = {
      store: (res, group) => this.storeOf(res, group),
      kubernetesServiceIP: intToIp(svcCidr.base + 1),
      advertiseAddress: this.o.advertiseAddress ?? '127.0.0.1',
      advertisePort: advertisePort!,
      servicePort: 443,
      logger: this.log,
    };
    await this.bootstrapWithRetry(bo);
    this.policy!.start();
    this.endpointsTimer = setInterval(() => void reconcileEndpoints(bo).catch((e: Error) => this.log.warn({ err: e.message }, 'kubernetes endpoints reconcile failed')), 10_000);
    this.endpointsTimer.unref();
    return this.url;
  }

  private listen(server: http.Server, port: number, host: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  }

  /** Authentication union, Node+RBAC authorization, the policy controller and the review context. */
  private setUpAuth(): void {
    const cacheOf = (group: string, resource: string): PrefixedCache => {
      const r = this.table.all.find((x) => x.resource === resource && x.group === group)!;
      const prefix = storagePrefix(this.o.etcdPrefix, r);
      return { cache: this.caches.find((c) => c.prefix === prefix)!, prefix };
    };
    const RG = 'rbac.authorization.k8s.io';
    this.rbac = new RbacAuthorizer(new CacheRbacSource({
      roles: cacheOf(RG, 'roles'), roleBindings: cacheOf(RG, 'rolebindings'), clusterRoles: cacheOf(RG, 'clusterroles'), clusterRoleBindings: cacheOf(RG, 'clusterrolebindings'),
    }));
    this.authz = this.o.authorizer ?? new UnionAuthorizer([new NodeAuthorizer(new CachePodsByNode(cacheOf('', 'pods'))), this.rbac]);
    const sec = this.o.secure;
    const tokenFile = sec?.tokenAuthFile ? TokenFileAuthenticator.fromFile(sec.tokenAuthFile) : undefined;
    // TokenReview (asked by kubelets) knows the static tokens too
    if (tokenFile) this.tokenReviewers.push(tokenFile.reviewer(this.apiAudiences));
    this.authn = new UnionAuthenticator({
      authenticators: [
        ...(sec?.clientCA ? [new X509Authenticator()] : []),
        ...(tokenFile ? [tokenFile] : []),
        ...(this.serviceAccountAuthenticator ? [this.serviceAccountAuthenticator] : []),
        ...(this.o.authenticators ?? []),
      ],
      anonymous: sec?.anonymous ?? false,
    });
    const sa = this.serviceAccountAuthenticator;
    if (this.o.authenticator) this.insecureAuthn = new UnionAuthenticator({ authenticators: [...(sa ? [sa] : []), this.o.authenticator], anonymous: false });
    this.reviews = {
      authorizer: this.authz,
      rulesFor: async (user: UserInfo, namespace: string) => {
        const r = await this.rbac.rulesFor(user, namespace);
        return nodeNameOf(user) ? { ...r, rules: [...NODE_RULES, ...r.rules] } : r;
      },
    };
    this.policy = new PolicyController({
      clusterRoles: this.storeOf('clusterroles', RG),
      clusterRoleBindings: this.storeOf('clusterrolebindings', RG),
      clusterRoleCache: cacheOf(RG, 'clusterroles'),
      logger: this.log.child({ part: 'rbac' }),
    });
  }

  private async bootstrapWithRetry(bo: BootstrapOptions): Promise<void> {
    for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await bootstrap(bo);
        await this.policy!.ensureBootstrap();
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
    const kind = LONG_RUNNING.has(info.verb) || info.subresource === 'proxy' || (info.resource === 'pods' && STREAM_SUBRESOURCES.has(info.subresource ?? '')) ? undefined : info.verb === 'get' || info.verb === 'list' ? 'readonly' : 'mutating';
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
      // authentication and authorization (the insecure loopback port is a cluster admin unless a
      // test gives it an authenticator)
      const secure = (req.socket as TLSSocket).encrypted === true;
      const authenticated = await (secure ? this.authn : this.insecureAuthn).authenticate(req);
      if (authenticated && this.auditor) audit = this.auditor.begin(req, info, authenticated, url, Date.now());
      if (!authenticated) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      const user = req.headers['impersonate-user'] || req.headers['impersonate-group'] ? await impersonate(req, authenticated, secure ? this.authz : allowAll) : authenticated;
      const attrs = attributesOf(info);
      const decision: AuthorizationDecision = secure ? await this.authz.authorize(user, attrs) : { allowed: true };
      if (!decision.allowed) throw forbidden(user, attrs, decision.reason);
      const create = secure ? streamCreateAttributes(attrs) : undefined;
      const createDecision = create ? await this.authz.authorize(user, create) : undefined;
      if (create && !createDecision!.allowed) throw forbidden(user, create, createDecision!.reason);
      if (info.isResourceRequest && (await this.tokenEndpoint(req, res, info))) return;
      if (ResourceProxy.handles(info)) return await this.proxies.serve(req, res, info, url);
      const review = info.isResourceRequest && this.discovery.find(info.group, info.version, info.resource) && !this.table.find(info.group, info.version, info.resource);
      if (review) await this.review(req, res, info.resource, info.namespace, user, info.verb);
      else if (info.isResourceRequest) await this.handler.handle(req, res, info, url.searchParams, user);
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

  private async review(req: IncomingMessage, res: ServerResponse, resource: string, namespace: string | undefined, user: UserInfo, verb: string): Promise<void> {
    if (verb !== 'create') throw errors.methodNotAllowed();
    const body = requireObject(decodeBody(await readBody(req), req.headers['content-type']));
    writeJSON(res, 201, await answerReview(this.reviews, resource, body, user, namespace));
  }

  private async nonResource(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
    const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(p);
    if (health) {
      // /healthz and /livez stay "ok" while etcd is away (restarting the apiserver would not help); /readyz does not.
      const etcdOk = health[1] !== 'readyz' || await Promise.race([this.storage.currentRevision().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
      const a = renderHealth(health[1]!, [{ name: 'ping', ok: true }, { name: 'log', ok: true }, { name: 'etcd', ok: etcdOk }], url.searchParams, health[2]);
      return this.text(res, a.code, a.body);
    }
    switch (p) {
      case '/version':
        return writeJSON(res, 200, VERSION);
      case '/metrics':
        res.setHeader('Content-Type', this.metrics.registry.contentType);
        return void res.end(await this.metrics.registry.metrics());
      case '/api':
        if (wantsAggregatedDiscovery(accept)) return writeJSON(res, 200, aggregatedDiscovery(this.discovery, true), AGGREGATED_CONTENT_TYPE);
        return writeJSON(res, 200, apiVersions(req.headers.host ?? this.url));
      case '/apis':
        if (wantsAggregatedDiscovery(accept)) return writeJSON(res, 200, aggregatedDiscovery(this.discovery, false), AGGREGATED_CONTENT_TYPE);
        return writeJSON(res, 200, apiGroupList(this.discovery));
      case '/openapi/v3':
        return writeJSON(res, 200, this.openapi.index());
      case '/openapi/v2': {
        if (openApiV2Form(accept) === 'not-acceptable') throw errors.notAcceptable(OPENAPI_V2_NOT_ACCEPTABLE);
        res.setHeader('ETag', this.openapiV2.etag);
        res.setHeader('Vary', 'Accept');
        if (req.headers['if-none-match'] === this.openapiV2.etag) {
          res.statusCode = 304;
          return void res.end();
        }
        res.setHeader('Content-Type', 'application/json');
        return void res.end(this.openapiV2.body);
      }
      case '/':
        return writeJSON(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v2', '/openapi/v3', '/readyz', '/version'] });
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
      const doc = apiResourceList(this.discovery, group, version);
      if (doc) return writeJSON(res, 200, doc);
    }
    const g = /^\/apis\/([^/]+)$/.exec(p);
    if (g) {
      const doc = apiGroupDoc(this.discovery, g[1]!);
      if (doc) return writeJSON(res, 200, doc);
    }
    throw errors.notFoundPath(p);
  }

  /** pods/proxy, services/proxy, nodes/proxy over consistent reads. */
  private resourceProxy(random: () => number): ResourceProxy {
    const slicePrefix = storagePrefix(this.o.etcdPrefix, { group: 'discovery.k8s.io', resource: 'endpointslices' });
    return new ResourceProxy({
      logger: this.log.child({ part: 'proxy' }),
      random,
      kubeletTls: this.o.kubeletTls,
      lookups: {
        getPod: async (ns, name) => (await this.storeOf('pods').get(ns, name)) as Pod,
        getService: async (ns, name) => (await this.storeOf('services').get(ns, name)) as Service,
        getNode: async (name) => (await this.storeOf('nodes').get(undefined, name)) as Node,
        serviceSlices: async (ns, name) => (await this.storage.list(`${slicePrefix}${ns}/`)).items.map((v) => v.obj as EndpointSlice).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name),
      },
    });
  }

  /** Reads an object: watch cache first, then storage; undefined when absent. */
  private async lookup<T extends KubeObject>(resource: string, ns: string | undefined, name: string, group = ''): Promise<T | undefined> {
    const store = this.storeOf(resource, group);
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

  /** Recounts, from storage, what a namespace uses of every name in a quota's hard, within its scopes (quota admission). */
  private async quotaUsage(ns: string, quota: ResourceQuota): Promise<ResourceList> {
    const objects: NamespaceObjects[] = [];
    for (const src of quotaSources(quota.spec?.hard ?? {}, RESOURCES)) {
      const items: Versioned[] = (await this.storage.list(`${storagePrefix(this.o.etcdPrefix, src)}${ns}/`)).items;
      objects.push({ ...src, items: items.map((v) => v.obj) });
    }
    return computeUsed(quota, objects, this.clock.now());
  }

  /** Token endpoints and the service-account authenticator, when keys are configured. */
  private setUpTokens(): void {
    const t = this.o.serviceAccountTokens;
    if (!t) return;
    const pub = { key: createPublicKey(t.signingKey.key), alg: t.signingKey.alg, kid: t.signingKey.kid };
    const keys = [pub, ...(t.publicKeys ?? []).filter((k) => k.kid !== pub.kid)];
    const audiences = t.audiences?.length ? t.audiences : t.issuers;
    this.apiAudiences = audiences;
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
    this.policy?.stop();
    for (const c of this.caches) c.stop();
    for (const srv of [this.server, this.insecureServer]) {
      if (!srv) continue;
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
    await this.storage?.close();
    await this.auditor?.close();
  }

  /** The served resources (for in-process tools). */
  resources(): ResourceInfo[] {
    return this.table.all;
  }
}


function hostPort(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The 403 upstream writes: `<resource> "<name>" is forbidden: User "u" cannot …[: reason]`. */
function forbidden(user: UserInfo, a: AuthzAttributes, reason?: string): StatusError {
  const why = forbiddenReason(user.username, a) + (reason ? `: ${reason}` : '');
  if (!a.isResourceRequest) return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `forbidden: ${why}`, reason: 'Forbidden', details: {}, code: 403 });
  return errors.forbidden({ group: a.apiGroup, resource: a.resource }, a.name ?? '', why);
}
