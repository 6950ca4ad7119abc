// RuntimeService/ImageService over containerd's CRI gRPC socket (@grpc/grpc-js +
// @grpc/proto-loader with proto/cri.proto). The generated shapes stay in this file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  CriError,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerEventType,
  type ContainerStatsSample,
  type ContainerStatus,
  type CpuSample,
  type MemorySample,
  type SandboxStatsSample,
  type ContainerSummary,
  type CriErrorCode,
  type ImageInfo,
  type ImageService,
  type RuntimeService,
  type SandboxConfig,
  type SandboxStatus,
  type SandboxSummary,
  type StreamFlags,
} from './runtime-service.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** proto/cri.proto from both src/kubelet/cri and dist/kubelet/cri. */
const PROTO = path.resolve(here, '..', '..', '..', 'proto', 'cri.proto');

type Wire = Record<string, unknown>;
type Unary = (req: Wire, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Wire) => void) => void;

function codeOf(err: grpc.ServiceError): CriErrorCode {
  switch (err.code) {
    case grpc.status.NOT_FOUND:
      return 'NotFound';
    case grpc.status.UNAVAILABLE:
      return 'Unavailable';
    case grpc.status.UNIMPLEMENTED:
      return 'Unimplemented';
    case grpc.status.DEADLINE_EXCEEDED:
      return 'DeadlineExceeded';
    default:
      return /not found/i.test(err.details ?? '') ? 'NotFound' : 'Unknown';
  }
}

const num = (v: unknown): number => (v === undefined || v === null ? 0 : Number(v));
const map = (v: unknown): Record<string, string> => (v as Record<string, string> | undefined) ?? {};
/** A UInt64Value wrapper: absent stays absent. */
const u64 = (v: unknown): number | undefined => (v && typeof v === 'object' ? num((v as Wire).value) : undefined);

function cpuOf(w: unknown): CpuSample | undefined {
  if (!w) return undefined;
  const c = w as Wire;
  return { timestamp: num(c.timestamp), usageCoreNanoSeconds: u64(c.usage_core_nano_seconds), usageNanoCores: u64(c.usage_nano_cores) };
}

function memoryOf(w: unknown): MemorySample | undefined {
  if (!w) return undefined;
  const m = w as Wire;
  return { timestamp: num(m.timestamp), workingSetBytes: u64(m.working_set_bytes), availableBytes: u64(m.available_bytes), usageBytes: u64(m.usage_bytes), rssBytes: u64(m.rss_bytes), pageFaults: u64(m.page_faults), majorPageFaults: u64(m.major_page_faults) };
}

function containerStatsOf(w: Wire): ContainerStatsSample {
  const a = (w.attributes as Wire | null) ?? {};
  const fs = w.writable_layer as Wire | null;
  return {
    id: String(a.id ?? ''), name: String((a.metadata as Wire | null)?.name ?? ''), labels: map(a.labels),
    cpu: cpuOf(w.cpu), memory: memoryOf(w.memory),
    ...(fs ? { rootfs: { timestamp: num(fs.timestamp), usedBytes: u64(fs.used_bytes), inodesUsed: u64(fs.inodes_used) } } : {}),
  };
}

export interface CriClientOptions {
  /** `unix:///run/containerd/containerd.sock` */
  endpoint: string;
  /** Per-call deadline (ms); image pulls get 10 minutes. */
  timeoutMs?: number;
}

/** One gRPC channel serving both CRI services. */
export class CriClient implements RuntimeService, ImageService {
  private readonly runtime: grpc.Client & Record<string, Unary>;
  private readonly images: grpc.Client & Record<string, Unary>;
  private readonly timeoutMs: number;

  constructor(o: CriClientOptions) {
    const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, grpc.ServiceClientConstructor> } };
    const target = o.endpoint.startsWith('unix://') ? `unix:${o.endpoint.slice('unix://'.length)}` : o.endpoint;
    const creds = grpc.credentials.createInsecure();
    const opts = { 'grpc.max_receive_message_length': 16 * 1024 * 1024 };
    this.runtime = new pkg.runtime.v1.RuntimeService!(target, creds, opts) as unknown as grpc.Client & Record<string, Unary>;
    this.images = new pkg.runtime.v1.ImageService!(target, creds, opts) as unknown as grpc.Client & Record<string, Unary>;
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  private call(client: grpc.Client & Record<string, Unary>, method: string, req: Wire, timeoutMs = this.timeoutMs): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const fn = client[method]!.bind(client);
      fn(req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(new CriError(codeOf(err), `${method}: ${err.details || err.message}`));
        else resolve(res);
      });
    });
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }

  async version() {
    const r = await this.call(this.runtime, 'Version', { version: 'v1' });
    return { runtimeName: String(r.runtime_name), runtimeVersion: String(r.runtime_version), runtimeApiVersion: String(r.runtime_api_version) };
  }

  private sandboxWire(c: SandboxConfig): Wire {
    const l = c.linux ?? {};
    return {
      metadata: c.metadata,
      hostname: c.hostname ?? '',
      log_directory: c.logDirectory ?? '',
      dns_config: c.dns ?? null,
      port_mappings: (c.portMappings ?? []).map((p) => ({ protocol: p.protocol, container_port: p.containerPort, host_port: p.hostPort, host_ip: p.hostIp ?? '' })),
      labels: c.labels ?? {},
      annotations: c.annotations ?? {},
      linux: {
        cgroup_parent: l.cgroupParent ?? '',
        sysctls: l.sysctls ?? {},
        security_context: {
          namespace_options: { network: l.hostNetwork ? 'NODE' : 'POD', pid: l.hostPid ? 'NODE' : 'CONTAINER', ipc: l.hostIpc ? 'NODE' : 'POD' },
          privileged: l.privileged ?? false,
          ...(l.runAsUser !== undefined ? { run_as_user: { value: l.runAsUser } } : {}),
          ...(l.runAsGroup !== undefined ? { run_as_group: { value: l.runAsGroup } } : {}),
        },
      },
    };
  }

  async runPodSandbox(config: SandboxConfig, runtimeHandler = ''): Promise<string> {
    const r = await this.call(this.runtime, 'RunPodSandbox', { config: this.sandboxWire(config), runtime_handler: runtimeHandler }, 120_000);
    return String(r.pod_sandbox_id);
  }
  async stopPodSandbox(id: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { pod_sandbox_id: id }, 120_000);
  }
  async removePodSandbox(id: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { pod_sandbox_id: id }, 120_000);
  }
  async podSandboxStatus(id: string): Promise<SandboxStatus> {
    const r = await this.call(this.runtime, 'PodSandboxStatus', { pod_sandbox_id: id, verbose: false });
    const s = r.status as Wire;
    const net = s.network as { ip?: string } | null;
    return { id: String(s.id), metadata: s.metadata as SandboxStatus['metadata'], state: s.state as SandboxStatus['state'], createdAt: num(s.created_at), ip: net?.ip || undefined, labels: map(s.labels), annotations: map(s.annotations) };
  }
  async listPodSandbox(f: { id?: string; state?: SandboxStatus['state']; labels?: Record<string, string> } = {}): Promise<SandboxSummary[]> {
    const filter: Wire = { id: f.id ?? '', label_selector: f.labels ?? {} };
    if (f.state) filter.state = { state: f.state };
    const r = await this.call(this.runtime, 'ListPodSandbox', { filter });
    return ((r.items as Wire[]) ?? []).map((s) => ({ id: String(s.id), metadata: s.metadata as SandboxSummary['metadata'], state: s.state as SandboxSummary['state'], createdAt: num(s.created_at), labels: map(s.labels), annotations: map(s.annotations) }));
  }

  async createContainer(sandboxId: string, c: ContainerConfig, sandboxConfig: SandboxConfig): Promise<string> {
    const l = c.linux ?? {};
    const config: Wire = {
      metadata: { name: c.name, attempt: c.attempt },
      image: { image: c.image },
      command: c.command ?? [],
      args: c.args ?? [],
      working_dir: c.workingDir ?? '',
      envs: c.envs ?? [],
      mounts: (c.mounts ?? []).map((m) => ({ container_path: m.containerPath, host_path: m.hostPath, readonly: m.readonly ?? false })),
      labels: c.labels ?? {},
      annotations: c.annotations ?? {},
      log_path: c.logPath ?? '',
      stdin: c.stdin ?? false,
      tty: c.tty ?? false,
      linux: {
        resources: { cpu_period: l.cpuPeriod ?? 0, cpu_quota: l.cpuQuota ?? 0, cpu_shares: l.cpuShares ?? 0, memory_limit_in_bytes: l.memoryLimitBytes ?? 0 },
        security_context: {
          capabilities: { add_capabilities: l.capabilitiesAdd ?? [], drop_capabilities: l.capabilitiesDrop ?? [] },
          privileged: l.privileged ?? false,
          namespace_options: { network: 'POD', pid: l.pidNamespace ?? 'CONTAINER', ipc: 'POD' },
          readonly_rootfs: l.readonlyRootfs ?? false,
          no_new_privs: l.noNewPrivs ?? false,
          ...(l.runAsUser !== undefined ? { run_as_user: { value: l.runAsUser } } : {}),
          ...(l.runAsGroup !== undefined ? { run_as_group: { value: l.runAsGroup } } : {}),
        },
      },
    };
    const r = await this.call(this.runtime, 'CreateContainer', { pod_sandbox_id: sandboxId, config, sandbox_config: this.sandboxWire(sandboxConfig) }, 120_000);
    return String(r.container_id);
  }
  async startContainer(id: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { container_id: id }, 120_000);
  }
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { container_id: id, timeout: timeoutSeconds }, (timeoutSeconds + 30) * 1000);
  }
  async removeContainer(id: string): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { container_id: id }, 120_000);
  }
  async listContainers(f: { id?: string; state?: ContainerSummary['state']; podSandboxId?: string; labels?: Record<string, string> } = {}): Promise<ContainerSummary[]> {
    const filter: Wire = { id: f.id ?? '', pod_sandbox_id: f.podSandboxId ?? '', label_selector: f.labels ?? {} };
    if (f.state) filter.state = { state: f.state };
    const r = await this.call(this.runtime, 'ListContainers', { filter });
    return ((r.containers as Wire[]) ?? []).map((c) => {
      const md = c.metadata as { name: string; attempt: number };
      return { id: String(c.id), podSandboxId: String(c.pod_sandbox_id), name: md.name, attempt: num(md.attempt), image: String((c.image as { image?: string } | null)?.image ?? ''), imageRef: String(c.image_ref), state: c.state as ContainerSummary['state'], createdAt: num(c.created_at), labels: map(c.labels), annotations: map(c.annotations) };
    });
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const r = await this.call(this.runtime, 'ContainerStatus', { container_id: id, verbose: false });
    const s = r.status as Wire;
    const md = s.metadata as { name: string; attempt: number };
    return {
      id: String(s.id), name: md.name, attempt: num(md.attempt), state: s.state as ContainerStatus['state'],
      createdAt: num(s.created_at), startedAt: num(s.started_at), finishedAt: num(s.finished_at), exitCode: num(s.exit_code),
      image: String((s.image as { image?: string } | null)?.image ?? ''), imageRef: String(s.image_ref), reason: String(s.reason ?? ''), message: String(s.message ?? ''),
      labels: map(s.labels), annotations: map(s.annotations), logPath: String(s.log_path ?? ''),
    };
  }
  async execSync(id: string, cmd: string[], timeoutSeconds: number) {
    const r = await this.call(this.runtime, 'ExecSync', { container_id: id, cmd, timeout: timeoutSeconds }, (timeoutSeconds + 10) * 1000);
    return { stdout: Buffer.from((r.stdout as Uint8Array) ?? []), stderr: Buffer.from((r.stderr as Uint8Array) ?? []), exitCode: num(r.exit_code) };
  }

  async exec(id: string, cmd: string[], s: StreamFlags): Promise<string> {
    const r = await this.call(this.runtime, 'Exec', { container_id: id, cmd, tty: s.tty, stdin: s.stdin, stdout: s.stdout, stderr: s.stderr });
    return String(r.url ?? '');
  }
  async attach(id: string, s: StreamFlags): Promise<string> {
    const r = await this.call(this.runtime, 'Attach', { container_id: id, stdin: s.stdin, tty: s.tty, stdout: s.stdout, stderr: s.stderr });
    return String(r.url ?? '');
  }
  async portForward(sandboxId: string, ports: number[]): Promise<string> {
    const r = await this.call(this.runtime, 'PortForward', { pod_sandbox_id: sandboxId, port: ports });
    return String(r.url ?? '');
  }

  async listContainerStats(f: { labels?: Record<string, string> } = {}): Promise<ContainerStatsSample[]> {
    const r = await this.call(this.runtime, 'ListContainerStats', { filter: { label_selector: f.labels ?? {} } });
    return ((r.stats as Wire[]) ?? []).map(containerStatsOf);
  }
  async listPodSandboxStats(f: { labels?: Record<string, string> } = {}): Promise<SandboxStatsSample[]> {
    const r = await this.call(this.runtime, 'ListPodSandboxStats', { filter: { label_selector: f.labels ?? {} } });
    return ((r.stats as Wire[]) ?? []).map((w) => {
      const a = (w.attributes as Wire | null) ?? {};
      const md = (a.metadata as Wire | null) ?? {};
      const l = (w.linux as Wire | null) ?? {};
      return {
        id: String(a.id ?? ''), metadata: { name: String(md.name ?? ''), uid: String(md.uid ?? ''), namespace: String(md.namespace ?? ''), attempt: num(md.attempt) }, labels: map(a.labels),
        cpu: cpuOf(l.cpu), memory: memoryOf(l.memory), containers: ((l.containers as Wire[]) ?? []).map(containerStatsOf),
      };
    });
  }
  getContainerEvents(onEvent: (e: ContainerEvent) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = (this.runtime as unknown as Record<string, (req: Wire) => grpc.ClientReadableStream<Wire>>).GetContainerEvents!.call(this.runtime, {});
      const onAbort = () => stream.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (w: Wire) => {
        const sb = w.pod_sandbox_status as Wire | null;
        const uid = (sb?.metadata as Wire | null)?.uid;
        onEvent({ containerId: String(w.container_id), type: w.container_event_type as ContainerEventType, createdAt: num(w.created_at), ...(uid ? { podUid: String(uid) } : {}) });
      });
      stream.on('error', (err: grpc.ServiceError) => {
        signal.removeEventListener('abort', onAbort);
        if (err.code === grpc.status.CANCELLED && signal.aborted) resolve();
        else reject(new CriError(codeOf(err), `GetContainerEvents: ${err.details || err.message}`));
      });
      stream.on('end', () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private imageInfo(i: Wire): ImageInfo {
    return { id: String(i.id), repoTags: (i.repo_tags as string[]) ?? [], repoDigests: (i.repo_digests as string[]) ?? [], size: num(i.size) };
  }
  async pullImage(image: string, auth?: { username: string; password: string }): Promise<string> {
    const r = await this.call(this.images, 'PullImage', { image: { image }, ...(auth ? { auth } : {}) }, 600_000);
    return String(r.image_ref);
  }
  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    const r = await this.call(this.images, 'ImageStatus', { image: { image }, verbose: false });
    const i = r.image as Wire | null;
    return i && i.id ? this.imageInfo(i) : undefined;
  }
  async listImages(): Promise<ImageInfo[]> {
    const r = await this.call(this.images, 'ListImages', {});
    return ((r.images as Wire[]) ?? []).map((i) => this.imageInfo(i));
  }
  async removeImage(image: string): Promise<void> {
    await this.call(this.images, 'RemoveImage', { image: { image } });
  }
}
