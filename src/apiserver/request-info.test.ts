import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const cases: { m: string; p: string; q?: string; want: Partial<ReturnType<typeof parseRequestInfo>> }[] = [
  { m: 'GET', p: '/api/v1/namespaces/default/pods', want: { verb: 'list', resource: 'pods', namespace: 'default', group: '', version: 'v1' } },
  { m: 'GET', p: '/api/v1/pods', q: 'watch=true', want: { verb: 'watch', resource: 'pods', namespace: undefined } },
  { m: 'GET', p: '/api/v1/namespaces/default/pods/x/log', want: { verb: 'get', resource: 'pods', name: 'x', subresource: 'log' } },
  { m: 'GET', p: '/api/v1/namespaces/kube-system', want: { verb: 'get', resource: 'namespaces', name: 'kube-system', namespace: undefined } },
  { m: 'PUT', p: '/api/v1/namespaces/foo/finalize', want: { verb: 'update', resource: 'namespaces', name: 'foo', subresource: 'finalize' } },
  { m: 'PATCH', p: '/apis/apps/v1/namespaces/d/deployments/x/scale', want: { verb: 'patch', group: 'apps', resource: 'deployments', name: 'x', subresource: 'scale' } },
  { m: 'DELETE', p: '/apis/batch/v1/namespaces/d/jobs', want: { verb: 'deletecollection', group: 'batch', resource: 'jobs' } },
  { m: 'GET', p: '/api/v1/nodes/n1', want: { verb: 'get', resource: 'nodes', name: 'n1' } },
  { m: 'GET', p: '/api/v1/watch/namespaces/default/pods', want: { verb: 'watch', resource: 'pods', namespace: 'default' } },
  { m: 'GET', p: '/apis/apps/v1', want: { isResourceRequest: false } },
  { m: 'GET', p: '/healthz', want: { isResourceRequest: false } },
  { m: 'GET', p: '/api/v1/nodes/n1/proxy/stats/summary', want: { verb: 'get', resource: 'nodes', name: 'n1', subresource: 'proxy', namespace: undefined } },
  { m: 'GET', p: '/api/v1/namespaces/default/services/https:web:443/proxy/', q: 'watch=true', want: { verb: 'get', resource: 'services', name: 'https:web:443', subresource: 'proxy' } },
  { m: 'POST', p: '/api/v1/namespaces/default/pods/p:8080/proxy/a/b', want: { verb: 'create', resource: 'pods', name: 'p:8080', subresource: 'proxy' } },
  { m: 'DELETE', p: '/api/v1/namespaces/default/pods/p/proxy', want: { verb: 'delete', resource: 'pods', name: 'p', subresource: 'proxy' } },
];

for (const c of cases) {
  test(`${c.m} ${c.p}${c.q ? '?' + c.q : ''}`, () => {
    const got = parseRequestInfo(c.m, c.p, new URLSearchParams(c.q ?? ''));
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof typeof got], v, k);
  });
}
