import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSummary, readHostSample, type HostSample, type PodInfo } from './stats-summary.js';
import type { ContainerStatsSample, SandboxStatsSample } from './cri/runtime-service.js';

const labels = (uid: string, name: string) => ({ 'io.kubernetes.pod.uid': uid, 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': 'd' });
const T = 1_700_000_000_000; // ms (2023-11-14T22:13:20Z; a container of unknown start reports the sample time)
const cs = (id: string, name: string, uid: string, cpu: number, mem: number): ContainerStatsSample => ({
  id, name, labels: labels(uid, uid), cpu: { timestamp: T * 1e6, usageCoreNanoSeconds: cpu * 1e9, usageNanoCores: cpu * 1e6 }, memory: { timestamp: T * 1e6, workingSetBytes: mem, usageBytes: mem + 10, rssBytes: mem },
});
const host = (timeMs: number, cpuSeconds: number): HostSample => ({ timeMs, cpuCoreNs: cpuSeconds * 1e9, memTotal: 1000, memFree: 400, memAvailable: 500, inactiveFile: 100, fs: { capacity: 100, available: 40, inodes: 10, inodesFree: 4 } });

const cases: { name: string; sandboxes: SandboxStatsSample[]; containers: ContainerStatsSample[]; wantPodCpu: Record<string, number>; wantPodMem: Record<string, number> }[] = [
  {
    name: 'pod totals from sandbox stats',
    sandboxes: [{ id: 's1', metadata: { name: 'a', uid: 'ua', namespace: 'd', attempt: 0 }, labels: labels('ua', 'a'), cpu: { timestamp: T * 1e6, usageNanoCores: 7, usageCoreNanoSeconds: 70 }, memory: { timestamp: T * 1e6, workingSetBytes: 99 }, containers: [] }],
    containers: [cs('c1', 'x', 'ua', 1, 10), cs('c2', 'y', 'ua', 2, 20)],
    wantPodCpu: { ua: 7 }, wantPodMem: { ua: 99 },
  },
  {
    name: 'pod totals summed from containers when the runtime has no sandbox stats',
    sandboxes: [],
    containers: [cs('c1', 'x', 'ua', 1, 10), cs('c2', 'y', 'ua', 2, 20), cs('c3', 'z', 'ub', 3, 30)],
    wantPodCpu: { ua: 3e6, ub: 3e6 }, wantPodMem: { ua: 30, ub: 30 },
  },
];

for (const tc of cases) {
  test(`summary: ${tc.name}`, () => {
    const pods = new Map<string, PodInfo>([['ua', { name: 'a', namespace: 'd', uid: 'ua', startTime: '2023-11-14T22:00:00Z', containerStart: { x: '2023-11-14T22:00:01Z' } }]]);
    const s = buildSummary({ nodeName: 'n1', bootTimeMs: T - 3_600_000, now: host(T, 30), prev: host(T - 10_000, 10), sandboxes: tc.sandboxes, containers: tc.containers, pods });
    // node: 20 core-seconds over 10 s = 2 cores
    assert.equal(s.node.nodeName, 'n1');
    assert.equal(s.node.cpu?.usageNanoCores, 2e9);
    assert.equal(s.node.cpu?.usageCoreNanoSeconds, 30e9);
    assert.deepEqual({ ...s.node.memory, time: undefined }, { time: undefined, availableBytes: 500, usageBytes: 600, workingSetBytes: 500, rssBytes: 0, pageFaults: 0, majorPageFaults: 0 });
    assert.equal(s.node.fs?.usedBytes, 60);
    for (const [uid, cpu] of Object.entries(tc.wantPodCpu)) {
      const p = s.pods.find((x) => x.podRef.uid === uid)!;
      assert.equal(p.cpu?.usageNanoCores, cpu, uid);
      assert.equal(p.memory?.workingSetBytes, tc.wantPodMem[uid], uid);
    }
    const a = s.pods.find((x) => x.podRef.uid === 'ua')!;
    assert.deepEqual(a.podRef, { name: 'a', namespace: 'd', uid: 'ua' });
    assert.equal(a.startTime, '2023-11-14T22:00:00Z');
    assert.deepEqual(a.containers.map((c) => [c.name, c.startTime, c.memory?.workingSetBytes]), [['x', '2023-11-14T22:00:01Z', 10], ['y', '2023-11-14T22:13:20Z', 20]]);
  });
}

test('summary: the host sample reads /proc and statfs', () => {
  const h = readHostSample('/', 1);
  assert.ok(h.memTotal > 0 && h.cpuCoreNs > 0 && (h.fs?.capacity ?? 0) > 0, JSON.stringify(h));
});
