import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types/index.js';
import { R } from '../../client/resources.js';
import { OwnerGraph } from './graph.js';
import { gcResources, resourceForOwner } from './resources.js';

const obj = (uid: string, owners: string[] = []): KubeObject => ({
  metadata: { name: uid, namespace: 'ns', uid, ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o, uid: o })) },
});

test('OwnerGraph files dependents under owner uids, follows ref changes and keeps dangling dependents', () => {
  const g = new OwnerGraph();
  g.upsert(R.configmaps, obj('owner'));
  g.upsert(R.configmaps, obj('a', ['owner']));
  g.upsert(R.configmaps, obj('b', ['owner', 'ghost']));
  assert.deepEqual(g.dependentsOf('owner').map((o) => o.metadata.uid).sort(), ['a', 'b']);
  assert.deepEqual(g.dependentUids('ghost'), ['b']);
  g.upsert(R.configmaps, obj('a', []));
  assert.deepEqual(g.dependentsOf('owner').map((o) => o.metadata.uid), ['b']);
  g.remove(obj('owner'));
  assert.equal(g.get('owner'), undefined);
  assert.deepEqual(g.dependentUids('owner'), ['b'], 'dependents of a removed owner stay findable');
  g.remove(obj('b'));
  assert.deepEqual(g.dependentUids('owner'), []);
  assert.deepEqual(g.dependentUids('ghost'), []);
  assert.equal(g.size(), 1);
});

test('resourceForOwner resolves apiVersion + kind to a watched resource', () => {
  const rs = gcResources();
  const cases: [string, string, string | undefined][] = [
    ['apps/v1', 'ReplicaSet', 'replicasets'],
    ['v1', 'Pod', 'pods'],
    ['apps/v1beta2', 'Deployment', 'deployments'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles'],
    ['example.com/v1', 'Widget', undefined],
  ];
  for (const [apiVersion, kind, want] of cases) assert.equal(resourceForOwner(rs, { apiVersion, kind })?.resource, want, `${apiVersion} ${kind}`);
  assert.equal(rs.some((r) => r.resource === 'events'), false);
});
