// /openapi/v2 through the real apiserver: the Swagger 2.0 JSON document built from the same
// schemas as v3, 406 for the protobuf form, ETag revalidation; and what the real kubectl does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiServerFixture } from '../helpers/cluster.js';
import { req } from '../helpers/http.js';
import type { Kubectl } from '../helpers/kubectl.js';
import { startKubectlCluster, type KubectlCluster } from '../helpers/kubectl-cluster.js';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
let cluster: KubectlCluster;
let api: ApiServerFixture;
let kubectl: Kubectl;

before(async () => {
  cluster = await startKubectlCluster();
  ({ api, kubectl } = cluster);
});
after(async () => {
  await cluster?.stop();
});

describe('/openapi/v2', () => {
  test('serves Swagger 2.0 JSON with definitions, paths and extensions; revalidates by ETag', async () => {
    const res = await req(api.url, 'GET', '/openapi/v2', undefined, { Accept: 'application/json' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.body.swagger, '2.0');
    const dep = res.body.definitions['io.k8s.api.apps.v1.Deployment'];
    assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    assert.equal(dep.properties.spec.properties.template.properties.spec.properties.containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(res.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch['x-kubernetes-action'], 'patch');
    assert.ok(res.body.paths['/apis/events.k8s.io/v1/namespaces/{namespace}/events'].post);
    const etag = res.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(`${api.url}/openapi/v2`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });

  test('asks for the protobuf form get 406 NotAcceptable; protobuf-or-JSON gets JSON', async () => {
    const pb = await req(api.url, 'GET', '/openapi/v2', undefined, { Accept: PROTOBUF });
    assert.equal(pb.status, 406);
    assert.equal(pb.body.kind, 'Status');
    assert.equal(pb.body.reason, 'NotAcceptable');
    const either = await req(api.url, 'GET', '/openapi/v2', undefined, { Accept: `${PROTOBUF},application/json` });
    assert.equal(either.status, 200);
    assert.equal(either.body.swagger, '2.0');
  });

  test('kubectl: explain (v3) knows events.k8s.io fields; the v2 explainer, which only takes protobuf, reports the 406', async () => {
    const v3 = await kubectl.ok(['explain', 'events', '--api-version=events.k8s.io/v1']);
    assert.match(v3, /regarding/);
    assert.match(v3, /reportingController/);
    const v2 = await kubectl.run(['explain', 'pods', '--output=plaintext-openapiv2']);
    assert.notEqual(v2.code, 0);
    assert.match(v2.stderr, /NotAcceptable/);
  });
});
