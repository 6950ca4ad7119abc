// syncPod: carries out computePodActions against the runtime — sandbox, images, volumes, env,
// containers — and kills pods on deletion. All runtime I/O of a pod goes through here.
import path from 'node:path';
import fs from 'node:fs';
import type { Container, Pod } from '../api/types/index.js';
import { parseQuantity } from '../api/quantity.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { ImageService, RuntimeService, SandboxConfig } from './cri/runtime-service.js';
import { containerEnv, ConfigError, type ObjectSource } from './env.js';
import { backoffKey, computePodActions, nextBackoff, type BackoffState } from './pod-actions.js';
import { ANNOTATION_RESTART_COUNT, LABEL_CONTAINER_NAME, LABEL_MANAGED, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, latestContainer, type RuntimePod } from './runtime-state.js';
import { setUpVolumes, tearDownVolumes } from './volumes.js';
import { killContainer, runHook } from './lifecycle.js';
import type { WaitingReasons } from './status.js';

/** Emits a Kubernetes event about a pod. */
export type PodEventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface SyncDeps {
  runtime: RuntimeService;
  images: ImageService;
  objects: ObjectSource;
  rootDir: string;
  logRoot: string;
  clusterDNS: string[];
  clusterDomain: string;
  hostIP: string;
  clock: Clock;
  logger: Logger;
  event: PodEventSink;
  backoff: BackoffState;
}

/** The sandbox config of a pod (pure). */
export function sandboxConfigOf(pod: Pod, d: Pick<SyncDeps, 'clusterDNS' | 'clusterDomain' | 'logRoot'>, attempt: number): SandboxConfig {
  const ns = pod.metadata.namespace ?? 'default';
  let dns: SandboxConfig['dns'];
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && !pod.spec.hostNetwork || policy === 'ClusterFirstWithHostNet') {
    dns = { servers: d.clusterDNS, searches: [`${ns}.svc.${d.clusterDomain}`, `svc.${d.clusterDomain}`, d.clusterDomain], options: ['ndots:5'] };
  } else if (policy === 'None') dns = { servers: [], searches: [], options: [] };
  if (pod.spec.dnsConfig) {
    dns ??= { servers: [], searches: [], options: [] };
    dns.servers.push(...(pod.spec.dnsConfig.nameservers ?? []));
    dns.searches.push(...(pod.spec.dnsConfig.searches ?? []));
    dns.options.push(...(pod.spec.dnsConfig.options ?? []).map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name)));
  }
  const hostname = pod.spec.hostname ?? pod.metadata.name ?? '';
  return {
    metadata: { name: pod.metadata.name!, uid: pod.metadata.uid!, namespace: ns, attempt },
    hostname: pod.spec.hostNetwork ? '' : hostname.slice(0, 63),
    logDirectory: path.join(d.logRoot, `${ns}_${pod.metadata.name}_${pod.metadata.uid}`),
    dns,
    portMappings: pod.spec.containers.flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort!, hostIp: p.hostIP }))),
    labels: { [LABEL_POD_UID]: pod.metadata.uid!, [LABEL_POD_NAME]: pod.metadata.name!, [LABEL_POD_NAMESPACE]: ns, [LABEL_MANAGED]: 'true' },
    annotations: {},
    linux: {
      hostNetwork: pod.spec.hostNetwork,
      hostPid: pod.spec.hostPID,
      hostIpc: pod.spec.hostIPC,
      privileged: [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].some((c) => c.securityContext?.privileged),
    },
  };
}

function cpuMilli(q: string | undefined): number {
  return q ? Math.round(parseQuantity(q) * 1000) : 0;
}

/** CRI linux resources of a container (pure): shares from requests, quota and memory from limits. */
export function linuxResources(c: Container): { cpuShares: number; cpuPeriod: number; cpuQuota: number; memoryLimitBytes: number } {
  const req = cpuMilli(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  const lim = cpuMilli(c.resources?.limits?.cpu);
  const mem = c.resources?.limits?.memory ? Math.round(parseQuantity(c.resources.limits.memory)) : 0;
  return { cpuShares: req ? Math.max(2, Math.floor((req * 1024) / 1000)) : 2, cpuPeriod: lim ? 100_000 : 0, cpuQuota: lim ? Math.max(1000, Math.floor((lim * 100_000) / 1000)) : 0, memoryLimitBytes: mem };
}

/** What one sync learned: waiting reasons (ErrImagePull, CrashLoopBackOff…), and whether it changed the runtime. */
export interface SyncOutcome {
  waiting: WaitingReasons;
  acted: boolean;
}

/**
 * 1. plan; 2. kill when asked; 3. sandbox; 4. volumes; 5. per container: image (per pull policy),
 * env, create, start; 6. postStart hooks.
 */
export async function syncPod(pod: Pod, rp: RuntimePod | undefined, d: SyncDeps): Promise<SyncOutcome> {
  const waiting: WaitingReasons = {};
  const acted = () => ({ waiting, acted: plan.killPod || plan.createSandbox || plan.start.length > 0 });
  const now = d.clock.now();
  // Containers that exited since the last look start their back-off.
  for (const c of rp?.containers ?? []) {
    if (c.state !== 'CONTAINER_EXITED') continue;
    const key = backoffKey(pod, c.name);
    const latest = latestContainer(rp, c.name);
    if (latest?.id !== c.id) continue;
    const b = d.backoff.get(key);
    const finishedMs = c.finishedAt / 1e6;
    if (!b || b.until < finishedMs) d.backoff.set(key, nextBackoff(b && now - finishedMs < 600_000 ? b : undefined, Math.max(finishedMs, now - 1)));
  }
  const plan = computePodActions(pod, rp, d.backoff, now);
  for (const [name, ms] of Object.entries(plan.backoff)) {
    waiting[name] = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(ms / 1000)}s restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` };
    d.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
  }
  // 2. kill
  if (plan.killPod) await killPod(pod.metadata.uid!, rp, pod.spec.terminationGracePeriodSeconds ?? 30, d, pod);
  if (pod.metadata.deletionTimestamp) return acted();
  // 3. sandbox
  let sandboxId = rp?.sandboxes.find((s) => s.state === 'SANDBOX_READY')?.id;
  // Next attempt after the highest one still present (older sandboxes may have been collected).
  const attempt = rp?.sandboxes.length ? Math.max(...rp.sandboxes.map((s) => s.metadata.attempt)) + 1 : 0;
  const sbConfig = sandboxConfigOf(pod, d, attempt);
  if (plan.createSandbox) {
    fs.mkdirSync(sbConfig.logDirectory!, { recursive: true });
    sandboxId = await d.runtime.runPodSandbox(sbConfig);
  }
  if (!sandboxId || !plan.start.length) return acted();
  // 4. volumes
  let volumes: Map<string, string>;
  try {
    volumes = await setUpVolumes(d.rootDir, pod, d.objects);
  } catch (err) {
    d.event(pod, 'Warning', 'FailedMount', (err as Error).message);
    for (const s of plan.start) waiting[s.container.name] = { reason: 'ContainerCreating' };
    return acted();
  }
  const podIP = (await d.runtime.podSandboxStatus(sandboxId).catch(() => undefined))?.ip;
  // 5. containers
  for (const s of plan.start) {
    const c = s.container;
    const image = c.image ?? '';
    // A container due to start with its back-off still running failed to pull last time (a crash
    // back-off keeps it out of `plan.start`): wait, as upstream, in ImagePullBackOff.
    const pullBackoff = d.backoff.get(backoffKey(pod, c.name));
    if (pullBackoff && pullBackoff.until > now) {
      waiting[c.name] = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      d.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      d.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      continue;
    }
    try {
      await ensureImage(pod, c, d);
    } catch (err) {
      waiting[c.name] = { reason: 'ErrImagePull', message: (err as Error).message };
      d.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${(err as Error).message}`);
      d.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      d.backoff.set(backoffKey(pod, c.name), nextBackoff(d.backoff.get(backoffKey(pod, c.name)), now));
      continue;
    }
    let envs: { key: string; value: string }[];
    try {
      envs = await containerEnv(pod, c, d.objects, { hostIP: d.hostIP, podIP });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      waiting[c.name] = { reason: 'CreateContainerConfigError', message: err.message };
      d.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
      continue;
    }
    const mounts = (c.volumeMounts ?? []).map((m) => {
      let host = volumes.get(m.name) ?? '';
      if (m.subPath) {
        host = path.join(host, m.subPath);
        if (!fs.existsSync(host)) fs.mkdirSync(host, { recursive: true });
      }
      return { containerPath: m.mountPath, hostPath: host, readonly: m.readOnly ?? false };
    });
    const termLog = path.join(d.rootDir, 'pods', pod.metadata.uid!, 'containers', c.name, String(s.attempt));
    fs.mkdirSync(termLog, { recursive: true });
    const r = linuxResources(c);
    const sc = c.securityContext ?? {};
    const podSc = pod.spec.securityContext ?? {};
    const id = await d.runtime.createContainer(sandboxId, {
      name: c.name,
      attempt: s.attempt,
      image,
      command: c.command,
      args: c.args,
      workingDir: c.workingDir,
      envs,
      mounts,
      labels: { [LABEL_POD_UID]: pod.metadata.uid!, [LABEL_POD_NAME]: pod.metadata.name!, [LABEL_POD_NAMESPACE]: pod.metadata.namespace!, [LABEL_CONTAINER_NAME]: c.name, [LABEL_MANAGED]: 'true' },
      annotations: { [ANNOTATION_RESTART_COUNT]: String(s.restartCount), 'io.kubernetes.container.init': String(s.init) },
      logPath: path.join(c.name, `${s.attempt}.log`),
      stdin: c.stdin,
      tty: c.tty,
      linux: {
        ...r,
        privileged: sc.privileged,
        runAsUser: sc.runAsUser ?? podSc.runAsUser,
        runAsGroup: sc.runAsGroup ?? podSc.runAsGroup,
        readonlyRootfs: sc.readOnlyRootFilesystem,
        capabilitiesAdd: sc.capabilities?.add,
        capabilitiesDrop: sc.capabilities?.drop,
        noNewPrivs: sc.allowPrivilegeEscalation === false,
        pidNamespace: pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
      },
    }, sbConfig);
    d.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
    await d.runtime.startContainer(id);
    d.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    // 6. postStart: the container counts as started only once its hook succeeded.
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const r = await runHook(postStart, pod, c, id, podIP, 0, d);
      if (!r.ok) {
        d.event(pod, 'Warning', 'FailedPostStartHook', r.message);
        await killContainer(pod, c, id, podIP, pod.spec.terminationGracePeriodSeconds ?? 30, d, `FailedPostStartHook`);
        if ((pod.spec.restartPolicy ?? 'Always') !== 'Never') waiting[c.name] = { reason: 'PostStartHookError', message: r.message };
      }
    }
  }
  return acted();
}

async function ensureImage(pod: Pod, c: Container, d: SyncDeps): Promise<void> {
  const image = c.image ?? '';
  const policy = c.imagePullPolicy ?? (image.endsWith(':latest') || !/:[^/]+$/.test(image) ? 'Always' : 'IfNotPresent');
  const present = await d.images.imageStatus(image).catch(() => undefined);
  if (policy === 'Never') {
    if (!present) throw new Error(`Container image "${image}" is not present with pull policy of Never`);
    return;
  }
  if (present && policy === 'IfNotPresent') {
    d.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
    return;
  }
  d.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
  const start = d.clock.now();
  await d.images.pullImage(image);
  d.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${d.clock.now() - start}ms`);
}

/** Stops every container (preStop, then the grace period left), then the sandboxes. */
export async function killPod(uid: string, rp: RuntimePod | undefined, graceSeconds: number, d: Pick<SyncDeps, 'runtime' | 'rootDir' | 'event' | 'logger' | 'clock'>, pod?: Pod): Promise<void> {
  if (!rp) return;
  const podIP = rp.sandboxes.find((s) => s.state === 'SANDBOX_READY')?.ip;
  await Promise.all(
    rp.containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED').map(async (c) => {
      if (!pod) return d.runtime.stopContainer(c.id, graceSeconds).catch((e: Error) => d.logger.warn({ err: e.message, id: c.id }, 'stop container failed'));
      const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === c.name);
      // Only a running container can run its preStop hook.
      await killContainer(pod, c.state === 'CONTAINER_RUNNING' ? spec : undefined, c.id, podIP, graceSeconds, d, `Stopping container ${c.name}`);
    }),
  );
  for (const s of rp.sandboxes) await d.runtime.stopPodSandbox(s.id).catch((e: Error) => d.logger.warn({ err: e.message }, 'stop sandbox failed'));
  void uid;
}

/** Removes what remains of a pod that is gone from the API. */
export async function removePod(uid: string, rp: RuntimePod, d: Pick<SyncDeps, 'runtime' | 'rootDir' | 'event' | 'logger' | 'clock'>): Promise<void> {
  await killPod(uid, rp, 0, d);
  for (const c of rp.containers) await d.runtime.removeContainer(c.id).catch(() => {});
  for (const s of rp.sandboxes) await d.runtime.removePodSandbox(s.id).catch(() => {});
  tearDownVolumes(d.rootDir, uid);
}
