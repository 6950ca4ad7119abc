// Validation, defaulting, strict field validation and server-side tables through the real
// apiserver on real etcd: every typical manifest is accepted, bad ones get 422 with upstream causes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { req } from '../helpers/http.js';
import { manifest, manifestResources } from '../../src/api/validation/testdata.js';

let etcd: EtcdFixture;
let api: ApiServerFixture;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
});
after(async () => {
  await api?.stop();
  await etcd?.stop();
});

const clusterScoped = new Set(['namespaces', 'nodes', 'priorityclasses', 'clusterroles', 'clusterrolebindings']);

function collectionPath(resource: string, obj: { apiVersion?: string; metadata: { namespace?: string } }): string {
  const av = obj.apiVersion ?? 'v1';
  const base = av.includes('/') ? `/apis/${av}` : `/api/${av}`;
  return clusterScoped.has(resource) ? `${base}/${resource}` : `${base}/namespaces/${obj.metadata.namespace}/${resource}`;
}

describe('api machinery through the apiserver', () => {
  test('every typical manifest is created with fieldValidation=Strict', async () => {
    for (const r of manifestResources) {
      const o = manifest(r);
      const res = await req(api.url, 'POST', `${collectionPath(r, o)}?fieldValidation=Strict`, o);
      assert.equal(res.status, 201, `${r}: ${JSON.stringify(res.body)}`);
    }
  });

  test('a job without a selector gets the generated controller-uid selector', async () => {
    const res = await req(api.url, 'GET', '/apis/batch/v1/namespaces/default/jobs/pi');
    assert.equal(res.status, 200);
    const uid = res.body.metadata.uid;
    assert.deepEqual(res.body.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.equal(res.body.spec.template.metadata.labels['job-name'], 'pi');
    assert.equal(res.body.spec.backoffLimit, 6);
  });

  test('invalid objects are refused with 422 and upstream causes', async () => {
    const pod = manifest('pods') as any;
    pod.metadata.name = 'bad-pod';
    delete pod.spec.containers[0].image;
    pod.spec.containers[0].ports[0].containerPort = 70000;
    const res = await req(api.url, 'POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.reason, 'Invalid');
    assert.deepEqual(
      res.body.details.causes.map((c: any) => [c.reason, c.field, c.message]).sort(),
      [
        ['FieldValueInvalid', 'spec.containers[0].ports[0].containerPort', 'Invalid value: 70000: must be between 1 and 65535, inclusive'],
        ['FieldValueRequired', 'spec.containers[0].image', 'Required value'],
      ],
    );
    const dep = manifest('deployments') as any;
    dep.metadata.name = 'mismatch';
    dep.spec.template.metadata.labels = { app: 'other' };
    const d = await req(api.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', dep);
    assert.equal(d.status, 422);
    assert.match(JSON.stringify(d.body.details.causes), /`selector` does not match template `labels`/);
  });

  test('immutable fields are enforced on update', async () => {
    const cur = await req(api.url, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
    const next = cur.body;
    next.spec.selector = { matchLabels: { app: 'web', v: '2' } };
    next.spec.template.metadata.labels = { app: 'web', v: '2' };
    const res = await req(api.url, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', next);
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.details.causes[0].field, 'spec.selector');
    assert.match(res.body.details.causes[0].message, /field is immutable$/);
  });

  test('strict field validation reports unknown fields', async () => {
    const cm = manifest('configmaps') as any;
    cm.metadata.name = 'strict';
    cm.spec = { nope: true };
    const res = await req(api.url, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', cm);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.message, /strict decoding error: unknown field "spec"$/);
  });

  test('server-side table for pods has the upstream columns', async () => {
    const res = await req(api.url, 'GET', '/api/v1/namespaces/default/pods', undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'Table');
    assert.deepEqual(res.body.columnDefinitions.map((c: any) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const row = res.body.rows.find((r: any) => r.cells[0] === 'web-0');
    assert.deepEqual(row.cells.slice(0, 4), ['web-0', '0/1', 'Pending', '0']);
    assert.equal(row.object.kind, 'PartialObjectMetadata');
  });
});
