// FakeRuntimeService: an in-memory CRI runtime for unit tests of the kubelet's sync logic.
// Containers "run" until stopped or until a test makes them exit.
import { CriError, type ContainerConfig, type ContainerState, type ContainerStatus, type ContainerSummary, type ImageInfo, type ImageService, type RuntimeService, type SandboxConfig, type SandboxState, type SandboxStatus, type SandboxSummary } from './runtime-service.js';

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
  async stopContainer(id: string): Promise<void> {
    this.calls.push('StopContainer');
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
    return { ...c.status };
  }
  async execSync(id: string, cmd: string[]) {
    this.calls.push(`ExecSync ${cmd.join(' ')}`);
    if (!this.containers.has(id)) throw new CriError('NotFound', `container ${id} not found`);
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 };
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
