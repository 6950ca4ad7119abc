// The narrow runtime interface the kubelet codes against (CRI v1, in our own types). The gRPC
// implementation is grpc-client.ts; FakeRuntimeService (fake-runtime.ts) stands in for tests.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface SandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface SandboxConfig {
  metadata: SandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dns?: { servers: string[]; searches: string[]; options: string[] };
  portMappings?: { protocol: Protocol; containerPort: number; hostPort: number; hostIp?: string }[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: {
    cgroupParent?: string;
    hostNetwork?: boolean;
    hostPid?: boolean;
    hostIpc?: boolean;
    privileged?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    sysctls?: Record<string, string>;
  };
}

export interface SandboxStatus {
  id: string;
  metadata: SandboxMetadata;
  state: SandboxState;
  createdAt: number;
  ip?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface SandboxSummary {
  id: string;
  metadata: SandboxMetadata;
  state: SandboxState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerConfig {
  name: string;
  attempt: number;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: { key: string; value: string }[];
  mounts?: { containerPath: string; hostPath: string; readonly?: boolean }[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Relative to the sandbox's log directory. */
  logPath?: string;
  stdin?: boolean;
  tty?: boolean;
  linux?: {
    cpuPeriod?: number;
    cpuQuota?: number;
    cpuShares?: number;
    memoryLimitBytes?: number;
    privileged?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    readonlyRootfs?: boolean;
    capabilitiesAdd?: string[];
    capabilitiesDrop?: string[];
    noNewPrivs?: boolean;
    pidNamespace?: NamespaceMode;
  };
}

export interface ContainerSummary {
  id: string;
  podSandboxId: string;
  name: string;
  attempt: number;
  image: string;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStatus {
  id: string;
  name: string;
  attempt: number;
  state: ContainerState;
  /** Nanoseconds since the epoch (0 when not reached). */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: string;
  imageRef: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logPath: string;
  /** The sandbox it belongs to, when known (CRI's status lacks it; lists carry it). */
  podSandboxId?: string;
}

/** Which standard streams a streaming exec/attach session carries (CRI ExecRequest/AttachRequest). */
export interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

/** CPU usage sample (CRI CpuUsage): timestamp in ns; cumulative core-ns; current nano-cores. */
export interface CpuSample {
  timestamp: number;
  usageCoreNanoSeconds?: number;
  usageNanoCores?: number;
}

/** Memory usage sample (CRI MemoryUsage), bytes. */
export interface MemorySample {
  timestamp: number;
  workingSetBytes?: number;
  availableBytes?: number;
  usageBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

/** One container's stats (CRI ContainerStats). */
export interface ContainerStatsSample {
  id: string;
  name: string;
  labels: Record<string, string>;
  cpu?: CpuSample;
  memory?: MemorySample;
  /** Writable layer usage. */
  rootfs?: { timestamp: number; usedBytes?: number; inodesUsed?: number };
}

/** One sandbox's stats (CRI PodSandboxStats, linux part). */
export interface SandboxStatsSample {
  id: string;
  metadata: SandboxMetadata;
  labels: Record<string, string>;
  cpu?: CpuSample;
  memory?: MemorySample;
  containers: ContainerStatsSample[];
}

export type ContainerEventType = 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';

/** A CRI container event (GetContainerEvents); `podUid` from the sandbox's labels when present. */
export interface ContainerEvent {
  containerId: string;
  type: ContainerEventType;
  createdAt: number;
  podUid?: string;
}

/**
 * Contract: every method maps to the CRI RPC of the same name; a missing sandbox/container is a
 * CriError with code 'NotFound'; Stop/Remove are idempotent as CRI requires.
 */
export interface RuntimeService {
  version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>;
  runPodSandbox(config: SandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<SandboxStatus>;
  listPodSandbox(filter?: { id?: string; state?: SandboxState; labels?: Record<string, string> }): Promise<SandboxSummary[]>;
  createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: SandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: { id?: string; state?: ContainerState; podSandboxId?: string; labels?: Record<string, string> }): Promise<ContainerSummary[]>;
  containerStatus(id: string): Promise<ContainerStatus>;
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult>;
  /** CRI Exec/Attach/PortForward: the URL of the runtime's streaming server for one session. */
  exec(id: string, cmd: string[], streams: StreamFlags): Promise<string>;
  attach(id: string, streams: StreamFlags): Promise<string>;
  portForward(sandboxId: string, ports: number[]): Promise<string>;
  listContainerStats(filter?: { labels?: Record<string, string> }): Promise<ContainerStatsSample[]>;
  /** CriError 'Unimplemented' where the runtime lacks it. */
  listPodSandboxStats(filter?: { labels?: Record<string, string> }): Promise<SandboxStatsSample[]>;
  /**
   * Streams container events to `onEvent` until `signal` aborts or the stream ends; rejects with
   * CriError 'Unimplemented' where the runtime lacks it (containerd 1.6), resolves when it ends.
   */
  getContainerEvents(onEvent: (e: ContainerEvent) => void, signal: AbortSignal): Promise<void>;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

/** Contract: `imageStatus` resolves undefined when the image is absent. */
export interface ImageService {
  pullImage(image: string, auth?: { username: string; password: string }): Promise<string>;
  imageStatus(image: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(image: string): Promise<void>;
}

export type CriErrorCode = 'NotFound' | 'Unavailable' | 'Unimplemented' | 'DeadlineExceeded' | 'Unknown';

/** A failed CRI call. */
export class CriError extends Error {
  constructor(readonly code: CriErrorCode, message: string) {
    super(message);
    this.name = 'CriError';
  }
}
