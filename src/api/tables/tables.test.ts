import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, toTable } from './index.js';
import type { KubeObject } from '../types/index.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const T0 = '2026-01-01T00:00:00Z';

test('humanDuration matches upstream', () => {
  const cases: [number, string][] = [[0, '0s'], [59_000, '59s'], [119_000, '119s'], [125_000, '2m5s'], [600_000, '10m'], [3 * 3600_000, '3h'], [3 * 3600_000 + 60_000, '3h1m'], [30 * 3600_000, '30h'], [50 * 3600_000, '2d2h'], [400 * 86400_000, '400d'], [-5000, '<invalid>']];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
});

const pod = (status: object, extra: object = {}): KubeObject => ({ metadata: { name: 'p', creationTimestamp: T0, ...extra }, spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'n1' }, status } as KubeObject);

test('pod rows: status reasons, ready counts, restarts, wide columns', () => {
  const cases: [object, object, string[]][] = [
    [{ phase: 'Pending' }, {}, ['p', '0/2', 'Pending', '0', '10m']],
    [{ phase: 'Running', podIP: '10.0.0.5', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }, { name: 'b', ready: true, restartCount: 2, state: { running: {} } }] }, {}, ['p', '2/2', 'Running', '2', '10m']],
    [{ phase: 'Running', containerStatuses: [{ name: 'a', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:09:00Z' } } }] }, {}, ['p', '0/2', 'CrashLoopBackOff', '5 (60s ago)', '10m']],
    [{ phase: 'Pending', initContainerStatuses: [{ name: 'i', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] }, {}, ['p', '0/2', 'Init:0/1', '0', '10m']],
    [{ phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, {}, ['p', '0/2', 'Completed', '0', '10m']],
    [{ phase: 'Running' }, { deletionTimestamp: T0 }, ['p', '0/2', 'Terminating', '0', '10m']],
  ];
  for (const [status, meta, want] of cases) {
    const p = pod(status, meta) as KubeObject & { spec: { initContainers?: unknown[] } };
    if ((status as { initContainerStatuses?: unknown }).initContainerStatuses) p.spec.initContainers = [{ name: 'i' }];
    const t = toTable('pods', [p], { now: NOW, includeObject: 'Metadata' });
    assert.deepEqual(t.rows[0]!.cells.slice(0, 5), want);
  }
  const t = toTable('pods', [pod({ phase: 'Running', podIP: '10.0.0.5' })], { now: NOW, includeObject: 'Metadata' });
  assert.deepEqual(t.columnDefinitions.map((c) => [c.name, c.priority]), [['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1]]);
  assert.deepEqual(t.rows[0]!.cells.slice(5), ['10.0.0.5', 'n1', '<none>', '<none>']);
  assert.deepEqual(t.rows[0]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'p', creationTimestamp: T0 } });
});

test('service, deployment, node and default rows', () => {
  const svc = { metadata: { name: 's', creationTimestamp: T0 }, spec: { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'x' } } } as KubeObject;
  assert.deepEqual(toTable('services', [svc], { now: NOW, includeObject: 'None' }).rows[0]!.cells, ['s', 'NodePort', '10.96.0.9', '<none>', '80:30080/TCP,53/UDP', '10m', 'app=x']);
  const dep = { metadata: { name: 'd', creationTimestamp: T0 }, spec: { replicas: 3, selector: { matchLabels: { app: 'd' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } } as KubeObject;
  assert.deepEqual(toTable('deployments', [dep], { now: NOW, includeObject: 'None' }).rows[0]!.cells, ['d', '2/3', 3, 2, '10m', 'c', 'i', 'app=d']);
  const node = { metadata: { name: 'n', creationTimestamp: T0, labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } } } as KubeObject;
  assert.deepEqual(toTable('nodes', [node], { now: NOW, includeObject: 'None' }).rows[0]!.cells.slice(0, 5), ['n', 'Ready,SchedulingDisabled', 'control-plane', '10m', 'v1.32.0']);
  assert.deepEqual(toTable('roles', [{ metadata: { name: 'r', creationTimestamp: T0 } }], { now: NOW, includeObject: 'None' }).rows[0]!.cells, ['r', T0]);
});
