// FakeRuntimeService: an in-memory CRI runtime for unit tests of the kubelet's sync logic.
// Containers "run" until stopped or until a test makes them exit.
import { CriError, type ContainerConfig, type ContainerEvent, type ContainerStatsSample, type SandboxStatsSample, type ContainerState, type ContainerStatus, type ContainerSummary, type ImageInfo, type ImageService, type RuntimeService, type SandboxConfig, type SandboxState, type SandboxStatus, type SandboxSummary, type StreamFlags } from './runtime-service.js';

interface FakeSandbox {
  id: string;
  config: SandboxConfig;
  state: SandboxState;
  createdAt: number;
  ip: string;
}

interface FakeContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  status: ContainerStatus;
}

function matches(labels: Record<string, string>, want?: Record<string, string>): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => labels[k] === v);
}

export class FakeRuntimeService implements RuntimeService, ImageService {
  /** Every call, in order ("RunPodSandbox", "CreateContainer c", …), for assertions. */
  readonly calls: string[] = [];
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Map<string, ImageInfo>();
  /** Images whose pull fails. */
  readonly failPulls = new Set<string>();
  private seq = 0;
  private clockNs = 1_000_000_000;

  private now(): number {
    return (this.clockNs += 1_000_000);
  }

  async version() {
    return { runtimeName: 'fake', runtimeVersion: '0.0.1', runtimeApiVersion: 'v1' };
  }

  async runPodSandbox(config: SandboxConfig): Promise<string> {
    const id = `sb-${++this.seq}`;
    this.calls.push('RunPodSandbox');
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: this.now(), ip: `10.244.0.${this.seq}` });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.calls.push('StopPodSandbox');
    const s = this.sandboxes.get(id);
    if (!s) return;
    s.state = 'SANDBOX_NOTREADY';
    for (const c of this.containers.values()) if (c.sandboxId === id && c.status.state === 'CONTAINER_RUNNING') this.exit(c.id, 137, 'Error');
  }
  async removePodSandbox(id: string): Promise<void> {
    this.calls.push('RemovePodSandbox');
    this.sandboxes.delete(id);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.id);
  }
  async podSandboxStatus(id: string): Promise<SandboxStatus> {
    const s = this.sandboxes.get(id);
    if (!s) throw new CriError('NotFound', `sandbox ${id} not found`);
    return { id, metadata: s.config.metadata, state: s.state, createdAt: s.createdAt, ip: s.state === 'SANDBOX_READY' ? s.ip : undefined, labels: s.config.labels ?? {}, annotations: s.config.annotations ?? {} };
  }
  async listPodSandbox(f: { id?: string; state?: SandboxState; labels?: Record<string, string> } = {}): Promise<SandboxSummary[]> {
    return [...this.sandboxes.values()]
      .filter((s) => (!f.id || s.id === f.id) && (!f.state || s.state === f.state) && matches(s.config.labels ?? {}, f.labels))
      .map((s) => ({ id: s.id, metadata: s.config.metadata, state: s.state, createdAt: s.createdAt, labels: s.config.labels ?? {}, annotations: s.config.annotations ?? {} }));
  }
  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    if (!this.sandboxes.has(sandboxId)) throw new CriError('NotFound', `sandbox ${sandboxId} not found`);
    const id = `c-${++this.seq}`;
    this.calls.push(`CreateContainer ${config.name}`);
    this.containers.set(id, {
      id, sandboxId, config,
      status: { id, name: config.name, attempt: config.attempt, state: 'CONTAINER_CREATED', createdAt: this.now(), startedAt: 0, finishedAt: 0, exitCode: 0, image: config.image, imageRef: `sha256:${config.image}`, reason: '', message: '', labels: config.labels ?? {}, annotations: config.annotations ?? {}, logPath: config.logPath ?? '' },
    });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new CriError('NotFound', `container ${id} not found`);
    this.calls.push(`StartContainer ${c.config.name}`);
    c.status.state = 'CONTAINER_RUNNING';
    c.status.startedAt = this.now();
  }
  /** Test control: StopContainer fails for these ids. */
  readonly failStops = new Set<string>();
  async stopContainer(id: string): Promise<void> {
    this.calls.push('StopContainer');
    if (this.failStops.has(id)) throw new CriError('DeadlineExceeded', `StopContainer ${id}: context deadline exceeded`);
    if (this.containers.get(id)?.status.state === 'CONTAINER_RUNNING') this.exit(id, 137, 'Error');
  }
  async removeContainer(id: string): Promise<void> {
    this.calls.push('RemoveContainer');
    this.containers.delete(id);
  }
  async listContainers(f: { id?: string; state?: ContainerState; podSandboxId?: string; labels?: Record<string, string> } = {}): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => (!f.id || c.id === f.id) && (!f.state || c.status.state === f.state) && (!f.podSandboxId || c.sandboxId === f.podSandboxId) && matches(c.config.labels ?? {}, f.labels))
      .map((c) => ({ id: c.id, podSandboxId: c.sandboxId, name: c.config.name, attempt: c.config.attempt, image: c.config.image, imageRef: c.status.imageRef, state: c.status.state, createdAt: c.status.createdAt, labels: c.config.labels ?? {}, annotations: c.config.annotations ?? {} }));
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.containers.get(id);
    if (!c) throw new CriError('NotFound', `container ${id} not found`);
    return { ...c.status, podSandboxId: c.sandboxId };
  }
  /** Test control: exit code (and output) of ExecSync per command line; absent = exit 0. */
  readonly execResults = new Map<string, { exitCode: number; output?: string }>();
  async execSync(id: string, cmd: string[]) {
    this.calls.push(`ExecSync ${cmd.join(' ')}`);
    if (!this.containers.has(id)) throw new CriError('NotFound', `container ${id} not found`);
    const r = this.execResults.get(cmd.join(' '));
    return { stdout: Buffer.from(r?.output ?? ''), stderr: Buffer.alloc(0), exitCode: r?.exitCode ?? 0 };
  }

  /** Test control: the base of the streaming URLs Exec/Attach/PortForward answer with. */
  streamingBase = 'http://127.0.0.1:1';
  async exec(id: string, cmd: string[], s: StreamFlags): Promise<string> {
    this.calls.push(`Exec ${cmd.join(' ')}`);
    if (!this.containers.has(id)) throw new CriError('NotFound', `container ${id} not found`);
    return `${this.streamingBase}/exec/${id}?tty=${s.tty}&stdin=${s.stdin}`;
  }
  async attach(id: string, s: StreamFlags): Promise<string> {
    this.calls.push(`Attach ${id}`);
    if (!this.containers.has(id)) throw new CriError('NotFound', `container ${id} not found`);
    return `${this.streamingBase}/attach/${id}?tty=${s.tty}&stdin=${s.stdin}`;
  }
  async portForward(sandboxId: string, ports: number[]): Promise<string> {
    this.calls.push(`PortForward ${ports.join(',')}`);
    if (!this.sandboxes.has(sandboxId)) throw new CriError('NotFound', `sandbox ${sandboxId} not found`);
    return `${this.streamingBase}/portforward/${sandboxId}`;
  }

  /** Test control: CPU (core-ns) and memory (bytes) a container reports in its stats. */
  readonly usage = new Map<string, { cpuCoreNs: number; nanoCores: number; memory: number }>();
  /** Test control: whether the runtime offers ListPodSandboxStats / GetContainerEvents. */
  sandboxStatsImplemented = true;
  eventsImplemented = false;
  private readonly eventSinks = new Set<(e: ContainerEvent) => void>();

  async listContainerStats(f: { labels?: Record<string, string> } = {}): Promise<ContainerStatsSample[]> {
    return [...this.containers.values()].filter((c) => c.status.state === 'CONTAINER_RUNNING' && matches(c.config.labels ?? {}, f.labels)).map((c) => this.statsOf(c));
  }
  async listPodSandboxStats(f: { labels?: Record<string, string> } = {}): Promise<SandboxStatsSample[]> {
    if (!this.sandboxStatsImplemented) throw new CriError('Unimplemented', 'ListPodSandboxStats: not implemented');
    return [...this.sandboxes.values()].filter((s) => s.state === 'SANDBOX_READY' && matches(s.config.labels ?? {}, f.labels)).map((s) => {
      const cs = [...this.containers.values()].filter((c) => c.sandboxId === s.id && c.status.state === 'CONTAINER_RUNNING').map((c) => this.statsOf(c));
      const ts = this.clockNs;
      return {
        id: s.id, metadata: s.config.metadata, labels: s.config.labels ?? {}, containers: cs,
        cpu: { timestamp: ts, usageCoreNanoSeconds: cs.reduce((a, c) => a + (c.cpu?.usageCoreNanoSeconds ?? 0), 0), usageNanoCores: cs.reduce((a, c) => a + (c.cpu?.usageNanoCores ?? 0), 0) },
        memory: { timestamp: ts, workingSetBytes: cs.reduce((a, c) => a + (c.memory?.workingSetBytes ?? 0), 0), usageBytes: cs.reduce((a, c) => a + (c.memory?.usageBytes ?? 0), 0) },
      };
    });
  }
  private statsOf(c: FakeContainer): ContainerStatsSample {
    const u = this.usage.get(c.id) ?? { cpuCoreNs: 0, nanoCores: 0, memory: 0 };
    const ts = this.clockNs;
    return { id: c.id, name: c.config.name, labels: c.config.labels ?? {}, cpu: { timestamp: ts, usageCoreNanoSeconds: u.cpuCoreNs, usageNanoCores: u.nanoCores }, memory: { timestamp: ts, workingSetBytes: u.memory, usageBytes: u.memory, rssBytes: u.memory }, rootfs: { timestamp: ts, usedBytes: 4096, inodesUsed: 1 } };
  }
  async getContainerEvents(onEvent: (e: ContainerEvent) => void, signal: AbortSignal): Promise<void> {
    if (!this.eventsImplemented) throw new CriError('Unimplemented', 'GetContainerEvents: not implemented');
    this.eventSinks.add(onEvent);
    await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    this.eventSinks.delete(onEvent);
  }
  /** Test control: emits a container event to every GetContainerEvents stream. */
  emitEvent(e: ContainerEvent): void {
    for (const s of this.eventSinks) s(e);
  }

  /** Test control: the container's process exits. */
  exit(id: string, exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): void {
    const c = this.containers.get(id);
    if (!c) return;
    c.status.state = 'CONTAINER_EXITED';
    c.status.exitCode = exitCode;
    c.status.reason = reason;
    c.status.finishedAt = this.now();
  }

  async pullImage(image: string): Promise<string> {
    this.calls.push(`PullImage ${image}`);
    if (this.failPulls.has(image)) throw new CriError('Unknown', `failed to pull ${image}: not found`);
    const info = { id: `sha256:${image}`, repoTags: [image], repoDigests: [], size: 1 };
    this.images.set(image, info);
    return info.id;
  }
  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.images.get(image);
  }
  async listImages(): Promise<ImageInfo[]> {
    return [...this.images.values()];
  }
  async removeImage(image: string): Promise<void> {
    this.images.delete(image);
  }
}
