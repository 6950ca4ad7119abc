// The Node object this kubelet owns: capacity and allocatable read from the host, addresses,
// nodeInfo, conditions (pure builder), plus the Lease heartbeat.
import fs from 'node:fs';
import os from 'node:os';
import type { Condition, Node, NodeStatus } from '../api/types/index.js';
import { rfc3339 } from '../util/clock.js';

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  ephemeralBytes: number;
  kernel: string;
  osImage: string;
  machineID: string;
  bootID: string;
  hostname: string;
  address: string;
}

function readOr(file: string, def: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return def;
  }
}

/** Reads the host facts (I/O). */
export function readHostFacts(rootDir: string, address?: string): HostFacts {
  const osRelease = readOr('/etc/os-release', '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? 'Linux';
  let ephemeral = 0;
  try {
    const st = fs.statfsSync(fs.existsSync(rootDir) ? rootDir : '/');
    ephemeral = st.blocks * st.bsize;
  } catch {
    /* unknown */
  }
  let addr = address;
  if (!addr) for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (!addr && a.family === 'IPv4' && !a.internal && !a.address.startsWith('10.244.')) addr = a.address;
  return {
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralBytes: ephemeral,
    kernel: os.release(),
    osImage: pretty,
    machineID: readOr('/etc/machine-id', '00000000000000000000000000000000'),
    bootID: readOr('/proc/sys/kernel/random/boot_id', ''),
    hostname: os.hostname(),
    address: addr ?? '127.0.0.1',
  };
}

export interface NodeStatusInput {
  facts: HostFacts;
  runtimeVersion: string;
  kubeletPort: number;
  maxPods: number;
  now: number;
  prev?: NodeStatus;
  runtimeReady: boolean;
}

function cond(type: string, ok: boolean, reason: string, message: string, now: string, prev?: Condition[]): Condition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: old?.status === status ? old.lastTransitionTime : now };
}

/** Builds the node status (pure). */
export function buildNodeStatus(i: NodeStatusInput): NodeStatus {
  const now = rfc3339(i.now);
  const memKi = Math.floor(i.facts.memoryBytes / 1024);
  const capacity = { cpu: String(i.facts.cpus), memory: `${memKi}Ki`, pods: String(i.maxPods), 'ephemeral-storage': `${Math.floor(i.facts.ephemeralBytes / 1024)}Ki` };
  const allocatable = { ...capacity, memory: `${Math.max(0, memKi - 100 * 1024)}Ki` };
  const prev = i.prev?.conditions;
  return {
    capacity,
    allocatable,
    conditions: [
      cond('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now, prev),
      cond('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now, prev),
      cond('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now, prev),
      i.runtimeReady ? cond('Ready', true, 'KubeletReady', 'kubelet is posting ready status', now, prev) : cond('Ready', false, 'KubeletNotReady', 'container runtime is down', now, prev),
    ],
    addresses: [{ type: 'InternalIP', address: i.facts.address }, { type: 'Hostname', address: i.facts.hostname }],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: {
      machineID: i.facts.machineID,
      systemUUID: i.facts.machineID,
      bootID: i.facts.bootID,
      kernelVersion: i.facts.kernel,
      osImage: i.facts.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: 'v1.32.0-kubets',
      kubeProxyVersion: 'v1.32.0-kubets',
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
  };
}

/** The Node object registered at start. */
export function newNode(name: string, status: NodeStatus, podCIDR?: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch, 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch } },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status,
  };
}
