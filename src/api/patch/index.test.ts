import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyConflictError, applyPatchByContentType, PatchError, UnsupportedPatchError } from './index.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };

test('dispatch by content type (parameters ignored, raw or parsed bodies)', () => {
  const merged = applyPatchByContentType('application/merge-patch+json; charset=utf-8', pod, '{"metadata":{"labels":{"a":null,"b":"2"}}}', 'Pod');
  assert.deepEqual((merged as typeof pod).metadata.labels, { b: '2' });
  const json = applyPatchByContentType('application/json-patch+json', pod, [{ op: 'replace', path: '/spec/containers/0/image', value: 'j' }], 'Pod');
  assert.equal((json as typeof pod).spec.containers[0]!.image, 'j');
  const smp = applyPatchByContentType('application/strategic-merge-patch+json', pod, Buffer.from('{"spec":{"containers":[{"name":"d","image":"k"}]}}'), 'Pod');
  assert.deepEqual((smp as typeof pod).spec.containers.map((c) => c.name), ['d', 'c']);
  // Merge patch replaces lists where strategic merge patch merges them.
  const mp = applyPatchByContentType('application/merge-patch+json', pod, { spec: { containers: [{ name: 'd', image: 'k' }] } }, 'Pod');
  assert.deepEqual((mp as typeof pod).spec.containers.map((c) => c.name), ['d']);
});

test('apply-patch+yaml creates when absent and reports conflicts as ApplyConflictError', () => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n';
  const created = applyPatchByContentType('application/apply-patch+yaml', undefined, yaml, 'ConfigMap', { manager: 'kubectl', now: 0 }) as { data: unknown; metadata: { managedFields: unknown[] } };
  assert.deepEqual(created.data, { k: 'v' });
  assert.equal(created.metadata.managedFields.length, 1);
  const changed = applyPatchByContentType('application/apply-patch+yaml', created, yaml.replace('k: v', 'k: w'), 'ConfigMap', { manager: 'other', force: true });
  assert.throws(
    () => applyPatchByContentType('application/apply-patch+yaml', changed, yaml.replace('k: v', 'k: x'), 'ConfigMap', { manager: 'kubectl' }),
    (e: unknown) => e instanceof ApplyConflictError && e.conflicts[0]!.field === '.data.k' && /Apply failed with 1 conflict: conflict with "other"/.test(e.message),
  );
  const forced = applyPatchByContentType('application/apply-patch+yaml', changed, yaml.replace('k: v', 'k: x'), 'ConfigMap', { manager: 'kubectl', force: true });
  assert.deepEqual((forced as { data: unknown }).data, { k: 'x' });
});

test('errors: 415 for unknown types, 400 for undecodable bodies and missing manager', () => {
  assert.throws(() => applyPatchByContentType('application/json', pod, {}, 'Pod'), UnsupportedPatchError);
  assert.throws(() => applyPatchByContentType('text/plain', pod, {}, 'Pod'), /unknown format/);
  const bad = (ct: string, body: unknown, opts = {}) =>
    assert.throws(() => applyPatchByContentType(ct, pod, body, 'Pod', opts), (e: unknown) => e instanceof PatchError && e.code === 400, ct);
  bad('application/merge-patch+json', '{nope');
  bad('application/json-patch+json', '{"op":"add"}');
  bad('application/apply-patch+yaml', 'a: [', { manager: 'm' });
  bad('application/apply-patch+yaml', '- 1', { manager: 'm' });
  bad('application/apply-patch+yaml', 'a: 1');
});
