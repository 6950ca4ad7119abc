import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateUnknownFields, unknownFieldMessages, errorString, schemaFor } from './index.js';
import { applyDefaults } from '../defaults/index.js';
import { defaultJobSelector } from '../defaults/index.js';
import { manifest, manifestResources } from './testdata.js';
import type { Job } from '../types/index.js';

test('typical manifests, once defaulted, validate clean and have no unknown fields', () => {
  for (const r of manifestResources) {
    const o = manifest(r);
    assert.deepEqual(validateUnknownFields(r, o), [], `${r} unknown fields`);
    applyDefaults(r, o);
    if (r === 'jobs') defaultJobSelector(o as Job, 'uid-1');
    assert.deepEqual(validateObject(r, o).map(errorString), [], `${r} create`);
    assert.deepEqual(validateObject(r, o, manifest(r)).length >= 0, true);
    const again = JSON.parse(JSON.stringify(o));
    assert.deepEqual(validateObject(r, again, o).map(errorString), [], `${r} no-op update`);
    assert.deepEqual(validateUnknownFields(r, o), [], `${r} unknown fields after defaulting`);
  }
});

test('metadata rules per kind', () => {
  const cases: { resource: string; meta: Record<string, unknown>; extra?: Record<string, unknown>; want: string[] }[] = [
    { resource: 'configmaps', meta: { namespace: 'default' }, want: ['metadata.name: Required value: name or generateName is required'] },
    { resource: 'configmaps', meta: { generateName: 'cm-', namespace: 'default' }, want: [] },
    {
      resource: 'configmaps', meta: { name: 'Foo', namespace: 'default' },
      want: ["metadata.name: Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
    },
    { resource: 'configmaps', meta: { name: 'a' }, want: ['metadata.namespace: Required value'] },
    { resource: 'nodes', meta: { name: 'a', namespace: 'x' }, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
    {
      resource: 'services', meta: { name: '1abc', namespace: 'default' }, extra: { spec: { clusterIP: 'None' } },
      want: ["metadata.name: Invalid value: \"1abc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    },
    { resource: 'namespaces', meta: { name: 'a.b' }, want: ['metadata.name: Invalid value: "a.b": must not contain dots'] },
    { resource: 'roles', meta: { name: 'system:a/b', namespace: 'default' }, want: ["metadata.name: Invalid value: \"system:a/b\": may not contain '/'"] },
    { resource: 'roles', meta: { name: '..', namespace: 'default' }, want: ["metadata.name: Invalid value: \"..\": may not be '..'"] },
    { resource: 'clusterroles', meta: { name: 'a%b' }, want: ["metadata.name: Invalid value: \"a%b\": may not contain '%'"] },
    {
      resource: 'configmaps', meta: { name: 'a', namespace: 'default', labels: { 'bad key!': 'v' } },
      want: ["metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
    },
    { resource: 'configmaps', meta: { name: 'a', namespace: 'default', labels: { k: 'x'.repeat(64) } }, want: [`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`] },
    { resource: 'configmaps', meta: { name: 'a', namespace: 'default', annotations: { big: 'x'.repeat(256 * 1024) } }, want: ['metadata.annotations: Too long: must have at most 262144 bytes'] },
    { resource: 'configmaps', meta: { name: 'a', namespace: 'default', annotations: { 'example.com/ok': 'x', 'a/b/c': '' } }, want: ["metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"] },
  ];
  for (const c of cases) {
    const got = validateObject(c.resource, { metadata: c.meta, ...c.extra }).map(errorString);
    assert.deepEqual(got, c.want, JSON.stringify(c.meta));
  }
});

test('metadata name is immutable on update', () => {
  const got = validateObject('configmaps', { metadata: { name: 'b', namespace: 'default' } }, { metadata: { name: 'a', namespace: 'default' } });
  assert.deepEqual(got.map(errorString), ['metadata.name: Invalid value: "b": field is immutable']);
});

test('strict field validation lists unknown fields with upstream wording', () => {
  const pod = manifest('pods') as unknown as { spec: { containers: Record<string, unknown>[]; foo?: number }; bogus?: boolean };
  pod.spec.foo = 1;
  pod.spec.containers[0]!.imagee = 'x';
  pod.bogus = true;
  assert.deepEqual(validateUnknownFields('pods', pod).slice().sort(), ['bogus', 'spec.containers[0].imagee', 'spec.foo']);
  assert.deepEqual(unknownFieldMessages('pods', pod).slice().sort(), ['unknown field "bogus"', 'unknown field "spec.containers[0].imagee"', 'unknown field "spec.foo"']);
  // Maps accept any key; status is open.
  assert.deepEqual(validateUnknownFields('configmaps', { metadata: { name: 'a', labels: { anything: 'x' } }, data: { 'any.key': 'v' } }), []);
  assert.deepEqual(validateUnknownFields('deployments', { metadata: {}, status: { whatever: 1 } }), []);
});

test('schemaFor renders an OpenAPI tree', () => {
  const s = schemaFor('Deployment')!;
  assert.equal(s.type, 'object');
  const spec = s.properties!.spec!;
  assert.equal(spec.properties!.replicas!.type, 'integer');
  const containers = spec.properties!.template!.properties!.spec!.properties!.containers!;
  assert.equal(containers.type, 'array');
  assert.equal(containers.items!.properties!.image!.type, 'string');
  assert.equal(s.properties!.metadata!.properties!.labels!.additionalProperties!.type, 'string');
  assert.equal(containers.items!.properties!.ports!.items!.properties!.containerPort!.type, 'integer');
  assert.equal(schemaFor('Nope'), undefined);
});
