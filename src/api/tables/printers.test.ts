import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, toTable } from './index.js';
import type { KubeObject } from '../types/index.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const T0 = '2026-01-01T00:00:00Z';

test('humanDuration boundaries', () => {
  const s = 1000;
  const h = 3600 * s;
  const d = 24 * h;
  const cases: [number, string][] = [
    [-1500, '0s'], [5 * s, '5s'], [3 * 60 * s + 2 * s, '3m2s'], [9 * 60 * s, '9m'], [179 * 60 * s, '179m'],
    [7 * h + 59 * 60 * s, '7h59m'], [8 * h, '8h'], [2 * d + 3 * h, '2d3h'], [7 * d, '7d'], [8 * d, '8d'],
    [2 * 365 * d + 10 * d, '2y10d'], [9 * 365 * d, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
});

const pod = (spec: object, status: object, meta: object = {}): KubeObject =>
  ({ metadata: { name: 'p', creationTimestamp: T0, ...meta }, spec, status }) as KubeObject;
const cells = (resource: string, o: KubeObject) => toTable(resource, [o], { now: NOW, includeObject: 'None' }).rows[0]!.cells;

test('pod status column edge cases', () => {
  const one = { containers: [{ name: 'a' }] };
  const cases: [string, KubeObject, (string | number | boolean)[]][] = [
    ['scheduling gated', pod(one, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ['p', '0/1', 'SchedulingGated', '0']],
    ['init failed', pod({ ...one, initContainers: [{ name: 'i' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', restartCount: 3, state: { terminated: { exitCode: 2 } } }] }), ['p', '0/1', 'Init:ExitCode:2', '3']],
    ['init crashloop', pod({ ...one, initContainers: [{ name: 'i' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }), ['p', '0/1', 'Init:CrashLoopBackOff', '0']],
    [
      'sidecar counts as container',
      pod({ ...one, initContainers: [{ name: 's', restartPolicy: 'Always' }] }, {
        phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 's', ready: true, started: true, restartCount: 0, state: { running: {} } }],
        containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }],
      }),
      ['p', '2/2', 'Running', '0'],
    ],
    ['terminated by signal', pod(one, { phase: 'Running', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }), ['p', '0/1', 'Signal:9', '0']],
    ['completed pod being deleted keeps Completed', pod(one, { phase: 'Succeeded', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: T0 }), ['p', '0/1', 'Completed', '0']],
    ['node lost', pod(one, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: T0 }), ['p', '0/1', 'Unknown', '0']],
    ['evicted', pod(one, { phase: 'Failed', reason: 'Evicted' }), ['p', '0/1', 'Evicted', '0']],
  ];
  for (const [name, p, want] of cases) assert.deepEqual(cells('pods', p).slice(0, 4), want, name);
});

test('pod wide columns use podIPs and readiness gates', () => {
  const p = pod({ containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'x' }, { conditionType: 'y' }] }, {
    phase: 'Running', podIPs: [{ ip: '10.1.0.7' }], nominatedNodeName: 'n2', conditions: [{ type: 'x', status: 'True' }, { type: 'y', status: 'False' }],
  });
  assert.deepEqual(cells('pods', p).slice(5), ['10.1.0.7', '<none>', 'n2', '1/2']);
});

test('job completions, cronjob suspend, secrets, default table', () => {
  const job = (spec: object, status: object = {}) => ({ metadata: { name: 'j', creationTimestamp: T0 }, spec: { template: { spec: { containers: [] } }, ...spec }, status }) as KubeObject;
  assert.equal(cells('jobs', job({ completions: 3 }, { succeeded: 1 }))[2], '1/3');
  assert.equal(cells('jobs', job({ parallelism: 4 }, { succeeded: 0 }))[2], '0/1 of 4');
  assert.equal(cells('jobs', job({ parallelism: 1 }))[2], '0/1');
  assert.equal(cells('jobs', job({ completions: 1 }, { startTime: '2026-01-01T00:05:00Z', completionTime: '2026-01-01T00:05:30Z', conditions: [{ type: 'Complete', status: 'True' }] }))[1], 'Complete');
  assert.equal(cells('jobs', job({ completions: 1 }, { startTime: '2026-01-01T00:05:00Z', completionTime: '2026-01-01T00:05:30Z' }))[3], '30s');
  const cj = { metadata: { name: 'c', creationTimestamp: T0 }, spec: { schedule: '@hourly', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [] } } } } } } as KubeObject;
  assert.deepEqual(cells('cronjobs', cj).slice(0, 7), ['c', '@hourly', '<none>', 'False', 0, '<none>', '10m']);
  const sec = { metadata: { name: 's', creationTimestamp: T0 }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } } as KubeObject;
  assert.deepEqual(cells('secrets', sec), ['s', 'kubernetes.io/tls', 2, '10m']);
  const t = toTable('widgets', [{ metadata: { name: 'w', namespace: 'n', creationTimestamp: T0 } }], { now: NOW, includeObject: 'Object' });
  assert.deepEqual(t.columnDefinitions.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(t.rows[0]!.object, { metadata: { name: 'w', namespace: 'n', creationTimestamp: T0 } });
});
