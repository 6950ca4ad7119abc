// /stats/summary: the upstream Summary API shape (stats/v1alpha1) built from CRI stats (pure),
// plus the host sample (node CPU, memory, filesystem) read from /proc and statfs.
import fs from 'node:fs';
import { rfc3339 } from '../util/clock.js';
import type { ContainerStatsSample, CpuSample, MemorySample, SandboxStatsSample } from './cri/runtime-service.js';
import { LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './runtime-state.js';

export interface CPUStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds?: number }
export interface MemoryStats { time: string; availableBytes?: number; usageBytes?: number; workingSetBytes?: number; rssBytes?: number; pageFaults?: number; majorPageFaults?: number }
export interface FsStats { time: string; availableBytes?: number; capacityBytes?: number; usedBytes?: number; inodesFree?: number; inodes?: number; inodesUsed?: number }
export interface ContainerStatsJSON { name: string; startTime: string; cpu?: CPUStats; memory?: MemoryStats; rootfs?: FsStats }
export interface PodStatsJSON { podRef: { name: string; namespace: string; uid: string }; startTime: string; containers: ContainerStatsJSON[]; cpu?: CPUStats; memory?: MemoryStats }
/** The Summary JSON (`kubectl get --raw /api/v1/nodes/N/proxy/stats/summary`). */
export interface Summary { node: { nodeName: string; startTime: string; cpu?: CPUStats; memory?: MemoryStats; fs?: FsStats }; pods: PodStatsJSON[] }

/** A host sample: cumulative CPU (core-ns), memory (bytes), root-dir filesystem. */
export interface HostSample {
  timeMs: number;
  cpuCoreNs: number;
  memTotal: number;
  memFree: number;
  memAvailable: number;
  inactiveFile: number;
  fs?: { capacity: number; available: number; inodes: number; inodesFree: number };
}

/** What the summary needs of a pod besides its CRI stats. */
export interface PodInfo {
  name: string;
  namespace: string;
  uid: string;
  startTime?: string;
  /** Container start times (RFC 3339) by name. */
  containerStart: Record<string, string>;
}

const iso = (ns: number) => rfc3339(Math.floor(ns / 1e6));

function cpuJSON(c: CpuSample | undefined): CPUStats | undefined {
  if (!c) return undefined;
  return { time: iso(c.timestamp), usageNanoCores: c.usageNanoCores ?? 0, usageCoreNanoSeconds: c.usageCoreNanoSeconds ?? 0 };
}

function memJSON(m: MemorySample | undefined): MemoryStats | undefined {
  if (!m) return undefined;
  const out: MemoryStats = { time: iso(m.timestamp) };
  if (m.availableBytes !== undefined) out.availableBytes = m.availableBytes;
  out.usageBytes = m.usageBytes ?? 0;
  out.workingSetBytes = m.workingSetBytes ?? 0;
  out.rssBytes = m.rssBytes ?? 0;
  out.pageFaults = m.pageFaults ?? 0;
  out.majorPageFaults = m.majorPageFaults ?? 0;
  return out;
}

function sum(values: (number | undefined)[]): number {
  return values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

/**
 * 1. node: CPU rate from two host samples, memory as upstream (working set = usage − inactive
 *    file), root filesystem; 2. pods: grouped by the pod-uid label, CPU/memory from the sandbox's
 *    stats when the runtime gives them, else the sum of its containers.
 */
export function buildSummary(o: { nodeName: string; bootTimeMs: number; now: HostSample; prev?: HostSample; sandboxes: SandboxStatsSample[]; containers: ContainerStatsSample[]; pods: Map<string, PodInfo> }): Summary {
  const t = rfc3339(o.now.timeMs);
  const used = o.now.memTotal - o.now.memFree;
  const workingSet = Math.max(0, used - o.now.inactiveFile);
  const dtMs = o.prev ? o.now.timeMs - o.prev.timeMs : 0;
  const nanoCores = o.prev && dtMs > 0 ? Math.round(((o.now.cpuCoreNs - o.prev.cpuCoreNs) / (dtMs * 1e6)) * 1e9) : undefined;
  const node: Summary['node'] = {
    nodeName: o.nodeName,
    startTime: rfc3339(o.bootTimeMs),
    cpu: { time: t, ...(nanoCores !== undefined ? { usageNanoCores: nanoCores } : {}), usageCoreNanoSeconds: o.now.cpuCoreNs },
    memory: { time: t, availableBytes: Math.max(0, o.now.memTotal - workingSet), usageBytes: used, workingSetBytes: workingSet, rssBytes: 0, pageFaults: 0, majorPageFaults: 0 },
  };
  if (o.now.fs) {
    const f = o.now.fs;
    node.fs = { time: t, availableBytes: f.available, capacityBytes: f.capacity, usedBytes: f.capacity - f.available, inodesFree: f.inodesFree, inodes: f.inodes, inodesUsed: f.inodes - f.inodesFree };
  }
  const byUid = new Map<string, { sandbox?: SandboxStatsSample; containers: ContainerStatsSample[] }>();
  const slot = (uid: string) => {
    let s = byUid.get(uid);
    if (!s) byUid.set(uid, (s = { containers: [] }));
    return s;
  };
  for (const sb of o.sandboxes) {
    const uid = sb.labels[LABEL_POD_UID];
    if (uid) slot(uid).sandbox = sb;
  }
  for (const c of o.containers) {
    const uid = c.labels[LABEL_POD_UID];
    if (uid) slot(uid).containers.push(c);
  }
  const pods: PodStatsJSON[] = [];
  for (const [uid, s] of byUid) {
    const info = o.pods.get(uid);
    const anyLabels = s.sandbox?.labels ?? s.containers[0]?.labels ?? {};
    const name = info?.name ?? anyLabels[LABEL_POD_NAME] ?? '';
    const namespace = info?.namespace ?? anyLabels[LABEL_POD_NAMESPACE] ?? '';
    const containers = s.containers.map((c): ContainerStatsJSON => {
      const out: ContainerStatsJSON = { name: c.name, startTime: info?.containerStart[c.name] ?? t };
      const cpu = cpuJSON(c.cpu);
      const mem = memJSON(c.memory);
      if (cpu) out.cpu = cpu;
      if (mem) out.memory = mem;
      if (c.rootfs) out.rootfs = { time: iso(c.rootfs.timestamp), usedBytes: c.rootfs.usedBytes ?? 0, inodesUsed: c.rootfs.inodesUsed ?? 0 };
      return out;
    }).sort((a, b) => a.name.localeCompare(b.name));
    const latest = Math.max(0, ...s.containers.map((c) => c.cpu?.timestamp ?? c.memory?.timestamp ?? 0));
    const cpu = cpuJSON(s.sandbox?.cpu) ?? (s.containers.length ? { time: iso(latest), usageNanoCores: sum(s.containers.map((c) => c.cpu?.usageNanoCores)), usageCoreNanoSeconds: sum(s.containers.map((c) => c.cpu?.usageCoreNanoSeconds)) } : undefined);
    const memory = memJSON(s.sandbox?.memory) ?? (s.containers.length ? { time: iso(latest), usageBytes: sum(s.containers.map((c) => c.memory?.usageBytes)), workingSetBytes: sum(s.containers.map((c) => c.memory?.workingSetBytes)), rssBytes: sum(s.containers.map((c) => c.memory?.rssBytes)), pageFaults: sum(s.containers.map((c) => c.memory?.pageFaults)), majorPageFaults: sum(s.containers.map((c) => c.memory?.majorPageFaults)) } : undefined);
    const pod: PodStatsJSON = { podRef: { name, namespace, uid }, startTime: info?.startTime ?? t, containers };
    if (cpu) pod.cpu = cpu;
    if (memory) pod.memory = memory;
    pods.push(pod);
  }
  pods.sort((a, b) => `${a.podRef.namespace}/${a.podRef.name}`.localeCompare(`${b.podRef.namespace}/${b.podRef.name}`));
  return { node, pods };
}

/** Reads a host sample (I/O): /proc/stat (USER_HZ = 100), /proc/meminfo, statfs of `dir`. */
export function readHostSample(dir: string, nowMs: number): HostSample {
  const stat = fs.readFileSync('/proc/stat', 'utf8');
  const cpu = /^cpu\s+(.*)$/m.exec(stat)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const busyJiffies = (cpu[0] ?? 0) + (cpu[1] ?? 0) + (cpu[2] ?? 0) + (cpu[5] ?? 0) + (cpu[6] ?? 0) + (cpu[7] ?? 0);
  const mem = fs.readFileSync('/proc/meminfo', 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k.replace(/[()]/g, '\\$&')}:\\s+(\\d+)`, 'm').exec(mem)?.[1] ?? 0) * 1024;
  const sample: HostSample = { timeMs: nowMs, cpuCoreNs: busyJiffies * 10_000_000, memTotal: kb('MemTotal'), memFree: kb('MemFree'), memAvailable: kb('MemAvailable'), inactiveFile: kb('Inactive(file)') };
  try {
    const st = fs.statfsSync(dir);
    sample.fs = { capacity: st.blocks * st.bsize, available: st.bavail * st.bsize, inodes: st.files, inodesFree: st.ffree };
  } catch {
    /* no filesystem figures */
  }
  return sample;
}

/** Boot time (epoch ms) from /proc/stat `btime`. */
export function readBootTimeMs(): number {
  const m = /^btime\s+(\d+)/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
  return m ? Number(m[1]) * 1000 : 0;
}
