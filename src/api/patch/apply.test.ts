import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, recordUpdate } from './apply.js';
import { decodeFieldsV1, encodeFieldsV1, fieldSetOf, pathToString, removeAt, valueAt } from './field-set.js';
import type { JsonObject } from './json.js';

const NOW = Date.UTC(2026, 10, 22, 23, 0, 0);

const deploy = (over: { labels?: Record<string, string>; replicas?: number; containers?: unknown[] } = {}): JsonObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'default', labels: over.labels ?? { app: 'x' } },
    spec: { replicas: over.replicas ?? 1, template: { spec: { containers: over.containers ?? [{ name: 'a', image: 'i1' }] } } },
  }) as JsonObject;

type Managed = { manager: string; operation: string; apiVersion?: string; time?: string; fieldsType?: string; fieldsV1: JsonObject; subresource?: string };
const managed = (o: JsonObject): Managed[] => ((o.metadata as JsonObject).managedFields ?? []) as unknown as Managed[];
const spec = (o: JsonObject) => o.spec as { replicas: number; template: { spec: { containers: JsonObject[] } } };

test('apply: creates when absent, with an upstream-shaped managedFields entry', () => {
  const { result, conflicts } = applyPatch(undefined, deploy(), { manager: 'kubectl', force: false, kind: 'Deployment', now: NOW });
  assert.equal(conflicts, undefined);
  assert.deepEqual(spec(result).template.spec.containers, [{ name: 'a', image: 'i1' }]);
  assert.deepEqual(managed(result), [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2026-11-22T23:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
      },
    },
  ]);
});

test('apply: fields dropped from the configuration are removed; others are kept', () => {
  const first = applyPatch(undefined, deploy({ labels: { app: 'x', tier: 't' }, containers: [{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }] }), {
    manager: 'kubectl',
    force: false,
    kind: 'Deployment',
    now: NOW,
  }).result;
  // The server (not the manager) added a field; it must survive.
  (spec(first).template.spec.containers[0] as JsonObject).imagePullPolicy = 'IfNotPresent';
  const second = applyPatch(first, deploy({ labels: { app: 'x' }, containers: [{ name: 'a', image: 'i3' }] }), { manager: 'kubectl', force: false, kind: 'Deployment', now: NOW }).result;
  assert.deepEqual((second.metadata as JsonObject).labels, { app: 'x' });
  assert.deepEqual(spec(second).template.spec.containers, [{ name: 'a', image: 'i3', imagePullPolicy: 'IfNotPresent' }]);
  assert.equal(managed(second).length, 1);
  assert.deepEqual(Object.keys(managed(second)[0]!.fieldsV1['f:metadata'] as JsonObject), ['f:labels']);
});

test('apply: conflicts with another manager unless forced', () => {
  const created = applyPatch(undefined, deploy(), { manager: 'kubectl', force: false, kind: 'Deployment', now: NOW }).result;
  // Another writer scales the deployment (an Update operation).
  const scaled = structuredClone(created);
  spec(scaled).replicas = 3;
  const afterScale = recordUpdate(created, scaled, { manager: 'kube-scale', kind: 'Deployment', now: NOW });
  const scaleEntry = managed(afterScale).find((e) => e.manager === 'kube-scale')!;
  assert.deepEqual(scaleEntry.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal(scaleEntry.operation, 'Update');
  // kubectl no longer owns replicas.
  const kubectlEntry = managed(afterScale).find((e) => e.manager === 'kubectl')!;
  assert.equal((kubectlEntry.fieldsV1['f:spec'] as JsonObject)['f:replicas'], undefined);

  // Applying a different value conflicts.
  const conflict = applyPatch(afterScale, deploy({ replicas: 5 }), { manager: 'kubectl', force: false, kind: 'Deployment', now: NOW });
  assert.deepEqual(conflict.conflicts, [{ manager: 'kube-scale', field: '.spec.replicas', apiVersion: 'apps/v1' }]);
  assert.equal(spec(conflict.result).replicas, 3);

  // Applying the same value does not conflict (shared ownership).
  const same = applyPatch(afterScale, deploy({ replicas: 3 }), { manager: 'kubectl', force: false, kind: 'Deployment', now: NOW });
  assert.equal(same.conflicts, undefined);

  // Forcing takes the field over.
  const forced = applyPatch(afterScale, deploy({ replicas: 5 }), { manager: 'kubectl', force: true, kind: 'Deployment', now: NOW });
  assert.equal(forced.conflicts, undefined);
  assert.equal(spec(forced.result).replicas, 5);
  assert.deepEqual(
    managed(forced.result).map((e) => e.manager),
    ['kubectl'],
  );
});

test('apply: a field another manager also owns is not removed when dropped', () => {
  const a = applyPatch(undefined, deploy({ labels: { app: 'x', shared: 's' } }), { manager: 'm1', force: false, kind: 'Deployment', now: NOW }).result;
  const b = applyPatch(a, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { shared: 's' } } }, { manager: 'm2', force: false, kind: 'Deployment', now: NOW }).result;
  const c = applyPatch(b, deploy({ labels: { app: 'x' } }), { manager: 'm1', force: false, kind: 'Deployment', now: NOW }).result;
  assert.deepEqual((c.metadata as JsonObject).labels, { app: 'x', shared: 's' });
});

test('apply: the main resource ignores status; /status applies only status', () => {
  const podCfg = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Running' } };
  const created = applyPatch(undefined, podCfg, { manager: 'm', force: false, kind: 'Pod', now: NOW }).result;
  assert.equal(created.status, undefined);
  const st = applyPatch(created, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, {
    manager: 'kubelet',
    force: false,
    kind: 'Pod',
    subresource: 'status',
    now: NOW,
  }).result;
  assert.deepEqual(st.status, { conditions: [{ type: 'Ready', status: 'True' }] });
  const entry = managed(st).find((e) => e.manager === 'kubelet')!;
  assert.equal(entry.subresource, 'status');
  assert.deepEqual(entry.fieldsV1, { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } });
});

test('apply: list order follows the configuration', () => {
  const first = applyPatch(undefined, deploy({ containers: [{ name: 'a', image: 'i' }] }), { manager: 'm', force: false, kind: 'Deployment' }).result;
  const second = applyPatch(first, deploy({ containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'j' }] }), { manager: 'm', force: false, kind: 'Deployment' }).result;
  assert.deepEqual(
    spec(second).template.spec.containers.map((c) => c.name),
    ['a', 'b'],
  );
});

test('recordUpdate: removed fields lose ownership; unchanged writes keep entries', () => {
  const v1 = recordUpdate(undefined, deploy({ labels: { app: 'x', t: '1' } }), { manager: 'kubectl-create', kind: 'Deployment', now: NOW });
  assert.deepEqual(managed(v1)[0]!.fieldsV1['f:metadata'], { 'f:labels': { 'f:app': {}, 'f:t': {} } });
  const next = structuredClone(v1);
  delete ((next.metadata as JsonObject).labels as JsonObject).t;
  const v2 = recordUpdate(v1, next, { manager: 'kubectl-label', kind: 'Deployment', now: NOW });
  assert.deepEqual(managed(v2).map((e) => e.manager), ['kubectl-create']);
  assert.deepEqual(managed(v2)[0]!.fieldsV1['f:metadata'], { 'f:labels': { 'f:app': {} } });
});

test('field sets: FieldsV1 round trip, paths, values, removal', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', finalizers: ['a/b'], labels: {} },
    spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }], command: ['x'] }], tolerations: [{ key: 'k' }] },
  } as JsonObject;
  const set = fieldSetOf(obj, 'Pod');
  const fields = encodeFieldsV1(set);
  assert.deepEqual(fields, {
    'f:metadata': { 'f:finalizers': { 'v:"a/b"': {} }, 'f:labels': {} },
    'f:spec': {
      'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:command': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80}': { '.': {}, 'f:containerPort': {} } } } },
      'f:tolerations': {},
    },
  });
  assert.deepEqual([...decodeFieldsV1(fields).keys()].sort(), [...set.keys()].sort());
  const port = ['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:ports', 'k:{"containerPort":80}', 'f:containerPort'];
  assert.equal(pathToString(port), '.spec.containers[name="c"].ports[containerPort=80].containerPort');
  assert.equal(pathToString(['f:metadata', 'f:finalizers', 'v:"a/b"']), '.metadata.finalizers[="a/b"]');
  assert.equal(valueAt(obj, port), 80);
  const copy = structuredClone(obj);
  removeAt(copy, ['f:spec', 'f:containers', 'k:{"name":"c"}']);
  assert.deepEqual((copy.spec as JsonObject).containers, []);
  removeAt(copy, ['f:metadata', 'f:finalizers', 'v:"a/b"']);
  assert.deepEqual((copy.metadata as JsonObject).finalizers, []);
  removeAt(copy, ['f:spec', 'f:nope', 'f:deeper']);
  assert.ok(copy.spec);
});
