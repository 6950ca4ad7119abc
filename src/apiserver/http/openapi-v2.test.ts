import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaFor } from '../../api/validation/index.js';
import { ResourceTable, RESOURCES, VIEWED_RESOURCES } from '../registry/resources.js';
import { buildOpenApiV2, openApiV2Form } from './openapi-v2.js';
import type { SchemaSource } from './openapi.js';

const doc = buildOpenApiV2(new ResourceTable([...RESOURCES, ...VIEWED_RESOURCES]), schemaFor as SchemaSource) as any;

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) k === '$ref' ? out.push(v as string) : refs(v, out);
  return out;
}

test('openApiV2Form: JSON unless only protobuf is acceptable', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'not-acceptable'],
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json;q=0.9', 'json'],
    ['application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'not-acceptable'],
    ['text/html', 'not-acceptable'],
  ];
  for (const [accept, want] of cases) assert.equal(openApiV2Form(accept), want, String(accept));
});

test('openapi v2: a Swagger 2.0 document whose every $ref resolves', () => {
  assert.equal(doc.swagger, '2.0');
  const missing = refs(doc).filter((r) => !r.startsWith('#/definitions/') || !doc.definitions[r.slice('#/definitions/'.length)]);
  assert.deepEqual(missing, []);
});

test('openapi v2: operations per resource with unique upstream-style ids and group-version-kinds', () => {
  const ids: string[] = [];
  for (const item of Object.values<any>(doc.paths)) for (const [m, op] of Object.entries<any>(item)) if (m !== 'parameters') ids.push(op.operationId);
  assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
  const cases: [string, string, string, Record<string, string>][] = [
    ['/api/v1/namespaces/{namespace}/pods/{name}', 'get', 'readCoreV1NamespacedPod', { group: '', version: 'v1', kind: 'Pod' }],
    ['/api/v1/namespaces/{namespace}/pods', 'post', 'createCoreV1NamespacedPod', { group: '', version: 'v1', kind: 'Pod' }],
    ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'patch', 'patchAppsV1NamespacedDeployment', { group: 'apps', version: 'v1', kind: 'Deployment' }],
    ['/apis/events.k8s.io/v1/namespaces/{namespace}/events/{name}', 'put', 'replaceEventsV1NamespacedEvent', { group: 'events.k8s.io', version: 'v1', kind: 'Event' }],
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}', 'delete', 'deleteRbacAuthorizationV1ClusterRole', { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' }],
  ];
  for (const [path, method, id, gvk] of cases) {
    const op = doc.paths[path]?.[method];
    assert.ok(op, `${method} ${path}`);
    assert.equal(op.operationId, id);
    assert.deepEqual(op['x-kubernetes-group-version-kind'], gvk);
    const pathParams = doc.paths[path].parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name);
    assert.deepEqual(pathParams, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), path);
  }
  const patch = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  assert.ok(patch.consumes.includes('application/strategic-merge-patch+json'));
  assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation' && p.in === 'query' && p.type === 'string'));
  assert.equal(patch.parameters[0].in, 'body');
});

test('openapi v2: definitions carry group-version-kinds and strategic-merge extensions', () => {
  const pod = doc.definitions['io.k8s.api.core.v1.Pod'];
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  const containers = pod.properties.spec.properties.containers;
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(doc.definitions['io.k8s.api.events.v1.Event']['x-kubernetes-group-version-kind'], [{ group: 'events.k8s.io', version: 'v1', kind: 'Event' }]);
  assert.deepEqual(doc.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
});
