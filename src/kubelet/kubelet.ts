// The kubelet: registers its Node and keeps its status and Lease fresh, watches the pods bound
// to it, and drives each pod toward its spec through CRI (pod workers over a work queue), with
// a relist loop that notices what the runtime changed, and an HTTP server for logs.
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ConfigMap, Lease, Node, Pod, Secret } from '../api/types/index.js';
import { ApiError, isNotFound, R, type Clientset } from '../client/index.js';
import { newSharedInformerFactory } from '../client/cache/informer.js';
import { keyOf, splitKey, type Informer } from '../client/cache/interfaces.js';
import { EventRecorder } from '../client/events.js';
import { newWorkQueue, runWorkers } from '../client/workqueue/queue.js';
import type { Clock } from '../util/clock.js';
import { rfc3339, rfc3339Micro } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { CriError, type ImageService, type RuntimeService, type SandboxStatsSample } from './cri/runtime-service.js';
import { buildSummary, readBootTimeMs, readHostSample, type HostSample, type PodInfo, type Summary } from './stats-summary.js';
import { buildNodeStatus, newNode, readHostFacts, type HostFacts } from './node-status.js';
import type { BackoffState } from './pod-actions.js';
import { LABEL_MANAGED, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, latestContainer, type RuntimePod } from './runtime-state.js';
import { buildPodStatus, type WaitingReasons } from './status.js';
import { killPod, removePod, syncPod } from './sync-pod.js';
import { streamLog } from './logs.js';
import { parseStreamRequestOr400, serveStream } from './streaming.js';
import { acceptUpgrades } from '../util/upgrade-proxy.js';
import { killContainer } from './lifecycle.js';
import { watchContainerEvents } from './runtime-events.js';
import { isMirrorPod, mirrorMatches, mirrorPodOf, StaticPodSource } from './static-pods.js';
import { DEFAULT_GC_POLICY, planGarbageCollection, type GcPolicy } from './gc.js';
import { Prober, realProbeRunner } from './prober.js';
import { DelegatingKubeletAuthenticator, kubeletAttributes, SarKubeletAuthorizer, type KubeletAuthenticator, type KubeletAuthorizer } from './server-auth.js';
import { serverTlsOptions } from '../util/tls.js';
import { ServiceAccountTokenManager } from './token-manager.js';
import { refreshTokenVolumes } from './volumes.js';
import { jsonEqual } from '../apiserver/registry/object-meta.js';

export interface KubeletOptions {
  clientset: Clientset;
  runtime: RuntimeService;
  images: ImageService;
  nodeName: string;
  rootDir: string;
  logRoot?: string;
  port: number;
  address?: string;
  clusterDNS: string[];
  clusterDomain: string;
  podCIDR?: string;
  maxPods?: number;
  clock: Clock;
  logger: Logger;
  /** Relist period (ms). */
  relistMs?: number;
  /** Pod workers running in parallel (default 32: a 30-pod burst starts in one wave, as containerd takes it). */
  workers?: number;
  /**
   * HTTPS serving: certificate, key and the CA client certificates must chain to. When set the
   * port speaks only TLS, every request needs a client certificate or a bearer token the
   * apiserver accepts (TokenReview) and is authorized through the apiserver (SubjectAccessReview
   * on nodes/<subresource>); without it, plain HTTP, no auth.
   */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCA: string | Buffer };
  /** Overrides the SubjectAccessReview authorizer (tests). */
  authorizer?: KubeletAuthorizer;
  /** Dead container limits (default: one dead instance per container, no node-wide limit). */
  gc?: GcPolicy;
  /** Garbage collection period (ms, default 10 s). */
  gcPeriodMs?: number;
  /** Directory of static pod manifests (--pod-manifest-path). */
  podManifestPath?: string;
}

export class Kubelet {
  private readonly o: KubeletOptions;
  private readonly log: Logger;
  private readonly backoff: BackoffState = new Map();
  private readonly waiting = new Map<string, WaitingReasons>();
  private readonly signatures = new Map<string, string>();
  private runtimePods = new Map<string, RuntimePod>();
  private facts!: HostFacts;
  private runtimeVersion = '';
  private pods!: Informer<Pod>;
  private recorder!: EventRecorder;
  private server?: http.Server;
  private authorizer?: KubeletAuthorizer;
  private authenticator?: KubeletAuthenticator;
  private prober!: Prober;
  private tokens!: ServiceAccountTokenManager;
  private hostSample?: HostSample;
  private statics?: StaticPodSource;
  private nodeUid = '';
  private relistTail: Promise<void> = Promise.resolve();
  /** Pod uids a worker has synced (see syncKey's first-sync shortcut). */
  private readonly synced = new Set<string>();
  /** Per pod uid: the status (stableStatusJSON) we last wrote or found already right; static pods excluded. */
  private readonly writtenStatus = new Map<string, string>();
  private runtimeOkAt = 0;
  private relistNext?: Promise<void>;
  port = 0;

  constructor(o: KubeletOptions) {
    this.o = o;
    this.log = o.logger;
  }

  /** 1. runtime and node; 2. lease + status loops; 3. pod informer and workers; 4. relist; 5. HTTP. */
  async start(signal: AbortSignal): Promise<void> {
    const o = this.o;
    this.recorder = new EventRecorder({ clientset: o.clientset, component: 'kubelet', host: o.nodeName, clock: o.clock, logger: this.log });
    const v = await o.runtime.version();
    this.runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
    this.facts = readHostFacts(o.rootDir, o.address);
    this.tokens = new ServiceAccountTokenManager(async (ns, sa, spec) => {
      const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: spec.pod.name, uid: spec.pod.uid } } };
      const out = (await o.clientset.resource(R.serviceaccounts).createSubresource(ns, sa, 'token', body)) as { status?: { token?: string; expirationTimestamp?: string } };
      if (!out.status?.token) throw new Error(`no token in the TokenRequest answer for ${ns}/${sa}`);
      return { token: out.status.token, expiresAt: Date.parse(out.status.expirationTimestamp ?? '') || o.clock.now() + spec.expirationSeconds * 1000 };
    }, o.clock);
    await this.startServer();
    await this.registerNode();
    const loops = [
      this.every(10_000, signal, () => this.renewLease()),
      this.every(10_000, signal, () => this.updateNodeStatus()),
    ];
    // pods bound here
    const factory = newSharedInformerFactory(o.clientset, { logger: this.log, clock: o.clock });
    this.pods = factory.informerFor<Pod>(R.pods, { fieldSelector: `spec.nodeName=${o.nodeName}` });
    const queue = newWorkQueue<string>({ clock: o.clock, baseDelayMs: 200, maxDelayMs: 30_000 });
    this.prober = new Prober({
      runner: realProbeRunner(o.runtime),
      clock: o.clock,
      logger: this.log,
      onChange: (p) => queue.add(keyOf(p)),
      onFailure: (p, c, _kind, message) => this.event(p, 'Warning', 'Unhealthy', message),
      onRestart: async (p, c, st, kind) => {
        const podIP = this.runtimePods.get(p.metadata.uid!)?.sandboxes.find((s) => s.state === 'SANDBOX_READY')?.ip;
        await killContainer(p, c, st.id, podIP, p.spec.terminationGracePeriodSeconds ?? 30, this.deps(), `Container ${c.name} failed ${kind} probe, will be restarted`);
      },
    });
    const enqueue = (p: Pod) => queue.add(keyOf(p));
    // Our own status writes come back as updates: only changes outside status need a sync.
    this.pods.addEventHandler({ onAdd: enqueue, onUpdate: (a, b) => (podChangedBeyondStatus(a, b) ? enqueue(b) : undefined), onDelete: (p) => {
      this.writtenStatus.delete(p.metadata.uid!);
      enqueue(p);
    } });
    factory.start(signal);
    await factory.waitForSync(signal);
    const relist = () => this.relistSerial(queue.add.bind(queue));
    await relist();
    loops.push(this.every(o.relistMs ?? 1000, signal, relist));
    // Runtime events (where offered) relist at once; containerd 1.6 has none: periodic only.
    loops.push(watchContainerEvents({ runtime: o.runtime, onEvent: () => void relist().catch(() => {}), signal, clock: o.clock, logger: this.log }).then(() => {}));
    loops.push(this.every(500, signal, async () => this.probeTick()));
    // Like upstream's volume resync (~1 min): each pass re-reads every projected volume's sources
    // (the kube-root-ca.crt ConfigMap) through the apiserver, so every 10 s cost ~3 % of a core
    // idle with 30 pods; tokens are renewed at 80 % of a lifetime of at least 10 min.
    loops.push(this.every(60_000, signal, () => this.refreshTokens()));
    loops.push(this.every(o.gcPeriodMs ?? 10_000, signal, () => this.collectGarbage()));
    // As upstream's status manager (syncBatch every 10 s): a status someone else rewrote (the node
    // lifecycle controller marking pods NotReady while the node was unreachable) is synced again.
    loops.push(this.every(10_000, signal, async () => this.resyncForeignStatus(enqueue)));
    if (o.podManifestPath) {
      this.statics = new StaticPodSource({ dir: o.podManifestPath, nodeName: o.nodeName, clock: o.clock, logger: this.log, onChange: (keys) => keys.forEach((k) => queue.add(k)) });
      loops.push(this.statics.run(signal));
    }
    // Pods start in parallel: the runtime, not the kubelet, should be the limit.
    const workers = runWorkers(queue, { reconcile: (key) => this.syncKey(key) }, o.workers ?? 32, signal, this.log);
    await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    await workers;
    await Promise.all(loops);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /**
   * Enqueues every terminating mirror pod (a deletion whose event was missed still ends in a new
   * mirror) and every other pod whose status in the API is no longer the one we last wrote.
   */
  private resyncForeignStatus(enqueue: (p: Pod) => void): void {
    for (const p of this.pods.store.list()) {
      if (isMirrorPod(p)) {
        if (p.metadata.deletionTimestamp) enqueue(p);
        continue;
      }
      const mine = this.writtenStatus.get(p.metadata.uid!);
      if (mine !== undefined && mine !== stableStatusJSON(p.status)) enqueue(p);
    }
  }

  private async every(ms: number, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      await fn().catch((e: Error) => this.log.warn({ err: e.message }, 'periodic task failed'));
      await this.o.clock.sleep(ms, signal).catch(() => {});
    }
  }

  private event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message);
  }

  // ---- node ----

  private async registerNode(): Promise<void> {
    const nodes = this.o.clientset.resource<Node>(R.nodes);
    const status = buildNodeStatus({ facts: this.facts, runtimeVersion: this.runtimeVersion, kubeletPort: this.port, maxPods: this.o.maxPods ?? 110, now: this.o.clock.now(), runtimeReady: true });
    try {
      await nodes.create(undefined, newNode(this.o.nodeName, status, this.o.podCIDR));
      this.log.info({ node: this.o.nodeName }, 'registered node');
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      await this.updateNodeStatus();
    }
  }

  private async updateNodeStatus(): Promise<void> {
    const nodes = this.o.clientset.resource<Node>(R.nodes);
    const cur = await nodes.get(undefined, this.o.nodeName);
    // As upstream's runtimeState: the runtime counts as down only when no check has succeeded for
    // RUNTIME_DOWN_AFTER_MS, so a restart of containerd does not mark the node (and its pods) NotReady.
    const now = this.o.clock.now();
    try {
      await this.o.runtime.version();
      this.runtimeOkAt = now;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'container runtime check failed');
    }
    const runtimeReady = now - this.runtimeOkAt < RUNTIME_DOWN_AFTER_MS;
    cur.status = buildNodeStatus({ facts: this.facts, runtimeVersion: this.runtimeVersion, kubeletPort: this.port, maxPods: this.o.maxPods ?? 110, now: this.o.clock.now(), prev: cur.status, runtimeReady });
    await nodes.updateStatus(undefined, cur);
  }

  private async renewLease(): Promise<void> {
    const leases = this.o.clientset.resource<Lease>(R.leases);
    const spec = { holderIdentity: this.o.nodeName, leaseDurationSeconds: 40, renewTime: rfc3339Micro(this.o.clock.now()) };
    try {
      const cur = await leases.get('kube-node-lease', this.o.nodeName);
      await leases.update('kube-node-lease', { ...cur, spec: { ...cur.spec, ...spec } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await leases.create('kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.nodeName, namespace: 'kube-node-lease' }, spec });
    }
  }

  // ---- runtime view ----

  /** One relist at a time: runs after the one in flight; callers arriving meanwhile share the next. */
  private relistSerial(enqueue: (key: string) => void): Promise<void> {
    if (this.relistNext) return this.relistNext;
    const next = this.relistTail.then(() => {
      this.relistNext = undefined;
      return this.relist(enqueue);
    });
    this.relistNext = next;
    this.relistTail = next.catch(() => {});
    return next;
  }

  /** Lists what the runtime holds for kubets pods, grouped by pod uid; enqueues pods whose view changed. */
  private async relist(enqueue: (key: string) => void): Promise<void> {
    const rt = this.o.runtime;
    const [sandboxes, containers] = await Promise.all([rt.listPodSandbox({ labels: { [LABEL_MANAGED]: 'true' } }), rt.listContainers({ labels: { [LABEL_MANAGED]: 'true' } })]);
    const next = new Map<string, RuntimePod>();
    const of = (labels: Record<string, string>) => {
      const uid = labels[LABEL_POD_UID]!;
      let rp = next.get(uid);
      if (!rp) next.set(uid, (rp = { uid, name: labels[LABEL_POD_NAME] ?? '', namespace: labels[LABEL_POD_NAMESPACE] ?? '', sandboxes: [], containers: [] }));
      return rp;
    };
    for (const s of sandboxes) of(s.labels).sandboxes.push(s);
    for (const c of containers) {
      const prev = this.runtimePods.get(c.labels[LABEL_POD_UID] ?? '')?.containers.find((x) => x.id === c.id);
      // The list carries each container's state: ask for the full status only when it changed.
      const status = prev && prev.state === c.state ? prev : await rt.containerStatus(c.id).catch(() => undefined);
      if (status) of(c.labels).containers.push({ ...status, podSandboxId: c.podSandboxId });
    }
    for (const rp of next.values()) {
      rp.sandboxes.sort((a, b) => b.createdAt - a.createdAt);
      for (const s of rp.sandboxes) {
        if (s.state !== 'SANDBOX_READY') continue;
        const prevIp = this.runtimePods.get(rp.uid)?.sandboxes.find((x) => x.id === s.id)?.ip;
        (s as { ip?: string }).ip = prevIp ?? (await rt.podSandboxStatus(s.id).catch(() => undefined))?.ip;
      }
      const sig = JSON.stringify([rp.sandboxes.map((s) => [s.id, s.state]), rp.containers.map((c) => [c.id, c.state, c.exitCode])]);
      if (this.signatures.get(rp.uid) !== sig) {
        this.signatures.set(rp.uid, sig);
        enqueue(`${rp.namespace}/${rp.name}`);
      }
    }
    // Runtime pods whose API object is gone (deleted while we were down, or force-deleted).
    for (const rp of next.values()) {
      const pod = this.podFor(`${rp.namespace}/${rp.name}`);
      if (!pod || pod.metadata.uid !== rp.uid) {
        this.log.info({ pod: `${rp.namespace}/${rp.name}`, uid: rp.uid }, 'removing orphaned pod from the runtime');
        await removePod(rp.uid, rp, this.deps()).catch((e: Error) => this.log.warn({ err: e.message }, 'orphan cleanup failed'));
        this.signatures.delete(rp.uid);
        this.synced.delete(rp.uid);
        this.prober?.forget(rp.uid);
      }
    }
    this.runtimePods = next;
  }

  /** Puts fresh service-account tokens into the projected volumes of running pods; forgets tokens of pods gone. */
  private async refreshTokens(): Promise<void> {
    const live = new Set<string>();
    for (const pod of this.pods.store.list()) {
      live.add(pod.metadata.uid!);
      if (pod.metadata.deletionTimestamp || !this.runtimePods.get(pod.metadata.uid!)?.sandboxes.some((s) => s.state === 'SANDBOX_READY')) continue;
      await refreshTokenVolumes(this.o.rootDir, pod, this.deps().objects).catch((e: Error) => this.log.warn({ pod: keyOf(pod), err: e.message }, 'token refresh failed'));
    }
    this.tokens.forgetGone(live);
  }

  /** Removes dead containers beyond the GC policy and dead sandboxes left empty (see gc.ts). */
  private async collectGarbage(): Promise<void> {
    const plan = planGarbageCollection(this.runtimePods.values(), this.o.gc ?? DEFAULT_GC_POLICY, this.o.clock.now());
    for (const id of plan.containers) await this.o.runtime.removeContainer(id).catch((e: Error) => this.log.warn({ err: e.message, id }, 'gc: remove container failed'));
    for (const id of plan.sandboxes) await this.o.runtime.removePodSandbox(id).catch((e: Error) => this.log.warn({ err: e.message, id }, 'gc: remove sandbox failed'));
    if (plan.containers.length || plan.sandboxes.length) this.log.info({ containers: plan.containers.length, sandboxes: plan.sandboxes.length }, 'garbage collected');
  }

  /** Hands the prober every running container of the pods bound here. */
  private probeTick(): void {
    const list = [];
    for (const rp of this.runtimePods.values()) {
      const pod = this.podFor(`${rp.namespace}/${rp.name}`);
      if (!pod || pod.metadata.uid !== rp.uid || pod.metadata.deletionTimestamp) continue;
      const containers = new Map<string, (typeof rp.containers)[0]>();
      for (const c of pod.spec.containers) {
        const cur = latestContainer(rp, c.name);
        if (cur) containers.set(c.name, cur);
      }
      list.push({ pod, containers, podIP: rp.sandboxes.find((s) => s.state === 'SANDBOX_READY')?.ip });
    }
    this.prober.tick(list);
  }

  private deps() {
    const o = this.o;
    return {
      runtime: o.runtime,
      images: o.images,
      objects: {
        configMap: (ns: string, name: string) => o.clientset.resource<ConfigMap>(R.configmaps).get(ns, name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))),
        secret: (ns: string, name: string) => o.clientset.resource<Secret>(R.secrets).get(ns, name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))),
        serviceAccountToken: (p: Pod, audience: string | undefined, expirationSeconds: number) =>
          this.tokens.token(p.metadata.namespace ?? 'default', p.spec.serviceAccountName || 'default', { audiences: audience ? [audience] : [], expirationSeconds, pod: { name: p.metadata.name!, uid: p.metadata.uid! } }),
      },
      rootDir: o.rootDir,
      logRoot: o.logRoot ?? path.join(o.rootDir, 'logs'),
      clusterDNS: o.clusterDNS,
      clusterDomain: o.clusterDomain,
      hostIP: this.facts.address,
      clock: o.clock,
      logger: this.log,
      event: (p: Pod, t: 'Normal' | 'Warning', r: string, m: string) => this.event(p, t, r, m),
      backoff: this.backoff,
    };
  }

  /** The runtime view of one pod, read fresh. */
  private async runtimePod(pod: Pod): Promise<RuntimePod> {
    const rt = this.o.runtime;
    const labels = { [LABEL_POD_UID]: pod.metadata.uid! };
    const [sbs, cs] = await Promise.all([rt.listPodSandbox({ labels }), rt.listContainers({ labels })]);
    const rp: RuntimePod = { uid: pod.metadata.uid!, name: pod.metadata.name!, namespace: pod.metadata.namespace!, sandboxes: sbs.sort((a, b) => b.createdAt - a.createdAt), containers: [] };
    for (const s of rp.sandboxes) if (s.state === 'SANDBOX_READY') (s as { ip?: string }).ip = (await rt.podSandboxStatus(s.id).catch(() => undefined))?.ip;
    for (const c of cs) {
      const st = await rt.containerStatus(c.id).catch(() => undefined);
      if (st) rp.containers.push({ ...st, podSandboxId: c.podSandboxId });
    }
    return rp;
  }

  // ---- pod workers ----

  /**
   * 1. deleted pods: stop, remove, then delete the API object (grace 0);
   * 2. otherwise sync the runtime, then write the status if it changed.
   */
  private async syncKey(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKey(key);
    const api = this.pods.store.get(key);
    const staticPod = this.statics?.get(key);
    if (staticPod) await this.syncMirror(staticPod, api);
    else if (api && isMirrorPod(api)) {
      // Its manifest is gone: the mirror goes; relist removes the static pod's containers.
      await this.deletePodObject(api);
      return;
    }
    const pod = this.podFor(key);
    if (!pod) return;
    const d = this.deps();
    // A pod neither the last relist nor any worker has seen has nothing in the runtime yet
    // (the first relist runs before any worker), so its first sync skips the read.
    const fresh = !this.synced.has(pod.metadata.uid!) && !this.runtimePods.has(pod.metadata.uid!) && !pod.metadata.deletionTimestamp;
    let rp = fresh ? { uid: pod.metadata.uid!, name: pod.metadata.name!, namespace: pod.metadata.namespace!, sandboxes: [], containers: [] } : await this.runtimePod(pod);
    if (pod.metadata.deletionTimestamp) {
      await killPod(pod.metadata.uid!, rp, pod.metadata.deletionGracePeriodSeconds ?? 30, d, pod);
      await removePod(pod.metadata.uid!, await this.runtimePod(pod), d);
      this.synced.delete(pod.metadata.uid!);
      try {
        await this.o.clientset.resource<Pod>(R.pods).delete(namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err) && !(err instanceof ApiError && err.code === 409)) throw err;
      }
      return;
    }
    // Marked before acting: a sync that fails half-way must re-read on its retry.
    this.synced.add(pod.metadata.uid!);
    const { waiting, acted } = await syncPod(pod, rp, d);
    this.waiting.set(pod.metadata.uid!, waiting);
    if (acted) rp = await this.runtimePod(pod);
    await this.writeStatus(pod, rp, waiting);
    // A volume that could not be set up yet (e.g. its ConfigMap is not there yet) is retried.
    if (Object.values(waiting).some((w) => w.reason === 'ContainerCreating')) return { requeueAfter: 2000 };
    // A failed pull shows ErrImagePull once, then ImagePullBackOff until the back-off ends (upstream).
    if (Object.values(waiting).some((w) => w.reason === 'ErrImagePull')) return { requeueAfter: 1000 };
    const pendingBackoff = Object.keys(waiting).filter((n) => waiting[n]!.reason === 'CrashLoopBackOff' || waiting[n]!.reason === 'ErrImagePull' || waiting[n]!.reason === 'ImagePullBackOff');
    if (pendingBackoff.length) {
      const until = Math.min(...pendingBackoff.map((n) => this.backoff.get(`${pod.metadata.uid}/${n}`)?.until ?? this.o.clock.now() + 1000));
      return { requeueAfter: Math.max(200, until - this.o.clock.now()) };
    }
  }

  /**
   * The pod this kubelet runs under `key`: the static pod of a manifest (with its mirror's status),
   * else the API pod unless that is a mirror pod.
   */
  private podFor(key: string): Pod | undefined {
    const api = this.pods.store.get(key);
    const st = this.statics?.get(key);
    if (st) return api && isMirrorPod(api) && mirrorMatches(api, st) ? { ...st, status: api.status } : st;
    return api && !isMirrorPod(api) ? api : undefined;
  }

  /** Keeps a static pod's mirror in the API: created when missing, replaced when stale or deleted. */
  private async syncMirror(pod: Pod, api: Pod | undefined): Promise<void> {
    const pods = this.o.clientset.resource<Pod>(R.pods);
    if (api && mirrorMatches(api, pod) && !api.metadata.deletionTimestamp) return;
    if (api) await this.deletePodObject(api);
    if (!this.nodeUid) this.nodeUid = (await this.o.clientset.resource<Node>(R.nodes).get(undefined, this.o.nodeName)).metadata.uid ?? '';
    try {
      await pods.create(pod.metadata.namespace, mirrorPodOf(pod, { name: this.o.nodeName, uid: this.nodeUid }));
      this.log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'created mirror pod');
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      throw new Error(`mirror pod ${pod.metadata.namespace}/${pod.metadata.name} still exists; retrying`);
    }
  }

  /** Deletes one API pod object now (grace 0, this uid only). */
  private async deletePodObject(pod: Pod): Promise<void> {
    try {
      await this.o.clientset.resource<Pod>(R.pods).delete(pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof ApiError && err.code === 409)) throw err;
    }
  }

  private async writeStatus(pod: Pod, rp: RuntimePod, waiting: WaitingReasons): Promise<void> {
    const probes = {
      ready: (name: string) => this.prober.ready(pod, pod.spec.containers.find((c) => c.name === name)!, latestContainer(rp, name)),
      started: (name: string) => this.prober.started(pod, pod.spec.containers.find((c) => c.name === name)!, latestContainer(rp, name)),
    };
    const status = buildPodStatus(pod, rp, { now: this.o.clock.now(), hostIP: this.facts.address, waiting, probes });
    const isStatic = !!this.statics?.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (stableStatusJSON(status) === stableStatusJSON(pod.status)) {
      if (!isStatic) this.writtenStatus.set(pod.metadata.uid!, stableStatusJSON(pod.status));
      return;
    }
    try {
      let target = pod;
      if (isStatic) {
        // A static pod's status goes to its mirror, once that exists.
        const mirror = this.pods.store.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
        if (!mirror || !isMirrorPod(mirror) || !mirrorMatches(mirror, pod)) return;
        target = mirror;
      }
      const stored = await this.o.clientset.resource<Pod>(R.pods).updateStatus(pod.metadata.namespace, { ...target, status });
      if (!isStatic) this.writtenStatus.set(pod.metadata.uid!, stableStatusJSON(stored.status));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // ---- stats ----

  /**
   * The Summary API: 1. CRI sandbox stats (pod totals with their containers), or container stats
   * alone where the runtime lacks ListPodSandboxStats; 2. pod and container start times from the
   * API and the runtime view; 3. the host sample (CPU rate against the previous sample).
   */
  private async summary(): Promise<Summary> {
    const rt = this.o.runtime;
    const labels = { [LABEL_MANAGED]: 'true' };
    // Container stats always come from ListContainerStats (some runtimes leave the sandbox's
    // container list empty); sandbox stats, where offered, give the pod totals.
    const [containers, sandboxes] = await Promise.all([
      rt.listContainerStats({ labels }),
      rt.listPodSandboxStats({ labels }).catch((err: Error) => {
        if (!(err instanceof CriError && err.code === 'Unimplemented')) this.log.debug({ err: err.message }, 'sandbox stats unavailable');
        return [] as SandboxStatsSample[];
      }),
    ]);
    const pods = new Map<string, PodInfo>();
    for (const pod of [...this.pods.store.list().filter((p) => !isMirrorPod(p)), ...(this.statics?.list() ?? [])]) {
      const rp = this.runtimePods.get(pod.metadata.uid!);
      const containerStart: Record<string, string> = {};
      for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
        const cur = latestContainer(rp, c.name);
        if (cur?.startedAt) containerStart[c.name] = rfc3339(Math.floor(cur.startedAt / 1e6));
      }
      pods.set(pod.metadata.uid!, { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid!, startTime: pod.status?.startTime, containerStart });
    }
    const now = readHostSample(this.o.rootDir, this.o.clock.now());
    const prev = this.hostSample;
    if (!prev || now.timeMs - prev.timeMs >= 1000) this.hostSample = now;
    return buildSummary({ nodeName: this.o.nodeName, bootTimeMs: readBootTimeMs(), now, prev: prev && now.timeMs > prev.timeMs ? prev : undefined, sandboxes, containers, pods });
  }

  // ---- HTTP ----

  private async startServer(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.guarded(req, res).catch((e: Error) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end(e.message);
      } else res.end();
    });
    this.server = this.o.tls ? https.createServer(serverTlsOptions(this.o.tls), handler) : http.createServer(handler);
    acceptUpgrades(this.server, handler);
    await new Promise<void>((resolve) => this.server!.listen(this.o.port, '0.0.0.0', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** 1. authenticate the client certificate or bearer token (401); 2. authorize via the apiserver (403); 3. serve. */
  private async guarded(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.o.tls) {
      this.authenticator ??= new DelegatingKubeletAuthenticator({ clientset: this.o.clientset, clock: this.o.clock });
      const caller = await this.authenticator.authenticate(req);
      if (!caller) {
        res.statusCode = 401;
        return void res.end('Unauthorized');
      }
      const attrs = kubeletAttributes(req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost').pathname);
      this.authorizer ??= this.o.authorizer ?? new SarKubeletAuthorizer({ clientset: this.o.clientset, nodeName: this.o.nodeName, clock: this.o.clock });
      if (!(await this.authorizer.authorize(caller, attrs))) {
        res.statusCode = 403;
        return void res.end(`Forbidden (user=${caller.username}, verb=${attrs.verb}, resource=nodes, subresource(s)=[${attrs.subresource}])`);
      }
    }
    return this.serve(req, res);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return void res.end('ok');
    if (url.pathname === '/pods') {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.pods?.store.list() ?? [] }));
    }
    if (url.pathname === '/stats/summary') {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(JSON.stringify(await this.summary()));
    }
    const stream = parseStreamRequestOr400(url, res);
    if (stream) return serveStream(req, res, stream, { podFor: (key) => this.podFor(key), runtimePod: (pod) => this.runtimePod(pod), runtime: this.o.runtime, logger: this.log });
    if (res.writableEnded) return;
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      res.statusCode = 404;
      return void res.end('not found');
    }
    const [ns, name, container] = m.slice(1).map(decodeURIComponent) as [string, string, string];
    const pod = this.podFor(`${ns}/${name}`);
    if (!pod) {
      res.statusCode = 404;
      return void res.end(`pod ${ns}/${name} not found`);
    }
    const rp = await this.runtimePod(pod);
    const cur = latestContainer(rp, container);
    const previous = url.searchParams.get('previous') === 'true';
    const target = previous ? rp.containers.filter((c) => c.name === container && c.attempt < (cur?.attempt ?? 0)).sort((a, b) => b.attempt - a.attempt)[0] : cur;
    if (!target) {
      res.statusCode = 400;
      return void res.end(previous ? `previous terminated container "${container}" in pod "${name}" not found` : `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    }
    const logDir = path.join(this.deps().logRoot, `${ns}_${name}_${pod.metadata.uid}`);
    const file = target.logPath || path.join(logDir, container, `${target.attempt}.log`);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain');
    const ctl = new AbortController();
    req.on('close', () => ctl.abort());
    const num = (k: string) => (url.searchParams.get(k) !== null ? Number(url.searchParams.get(k)) : undefined);
    await streamLog(file, res, { follow: url.searchParams.get('follow') === 'true', tailLines: num('tailLines'), sinceSeconds: num('sinceSeconds'), timestamps: url.searchParams.get('timestamps') === 'true' }, async () => (await this.o.runtime.containerStatus(target.id).catch(() => undefined))?.state === 'CONTAINER_RUNNING', () => this.o.clock.now(), ctl.signal);
    res.end();
  }
}

/** A pod status as JSON without transition/probe times and with sorted keys, for comparisons. */
export function stableStatusJSON(status: unknown): string {
  return JSON.stringify(status ?? {}, (k, v) => {
    if (k === 'lastTransitionTime' || k === 'lastProbeTime') return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.keys(v).sort().map((key) => [key, (v as Record<string, unknown>)[key]]));
    return v;
  });
}

/** How long the runtime may fail its checks before the node reports it down (upstream: 30 s). */
const RUNTIME_DOWN_AFTER_MS = 30_000;

/** Whether an update touched more than the pod's status (spec, labels, annotations, deletion, uid). */
export function podChangedBeyondStatus(a: Pod, b: Pod): boolean {
  const meta = (p: Pod) => [p.metadata.uid, p.metadata.labels, p.metadata.annotations, p.metadata.deletionTimestamp, p.metadata.deletionGracePeriodSeconds];
  return !jsonEqual(meta(a), meta(b)) || !jsonEqual(a.spec, b.spec);
}
