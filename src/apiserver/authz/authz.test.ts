import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types/index.js';
import type { ClusterRole, PolicyRule, Role, RoleBinding } from '../../api/types/rbac.js';
import type { UserInfo } from '../admission/interface.js';
import { aggregatedRules } from './aggregation.js';
import { NodeAuthorizer, nodeNameOf } from './node.js';
import { RbacAuthorizer, type RbacSource } from './rbac.js';
import { attributesOf, forbiddenReason, ruleAllows, subjectMatches, type AuthzAttributes } from './rules.js';

const res = (verb: string, resource: string, extra: Partial<AuthzAttributes> = {}): AuthzAttributes => ({ verb, isResourceRequest: true, path: '', apiGroup: '', resource, ...extra });
const url = (verb: string, path: string): AuthzAttributes => ({ verb, isResourceRequest: false, path, apiGroup: '', resource: '' });

test('rule matching table', () => {
  const cases: [string, PolicyRule, AuthzAttributes, boolean][] = [
    ['exact', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods'), true],
    ['wrong verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('list', 'pods'), false],
    ['wrong group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, res('get', 'pods'), false],
    ['verb wildcard', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, res('delete', 'pods'), true],
    ['group wildcard', { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'apps' }), true],
    ['resource wildcard covers subresource', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, res('get', 'pods', { subresource: 'log' }), true],
    ['plain resource does not cover subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { subresource: 'log' }), false],
    ['subresource exact', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods', { subresource: 'log' }), true],
    ['*/subresource', { verbs: ['update'], apiGroups: [''], resources: ['*/status'] }, res('update', 'pods', { subresource: 'status' }), true],
    ['*/subresource does not cover the resource', { verbs: ['update'], apiGroups: [''], resources: ['*/status'] }, res('update', 'pods'), false],
    ['resourceNames hit', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', 'configmaps', { name: 'a' }), true],
    ['resourceNames miss', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', 'configmaps', { name: 'b' }), false],
    ['resourceNames never allow list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('list', 'configmaps'), false],
    ['nonResourceURL exact', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, url('get', '/healthz'), true],
    ['nonResourceURL prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, url('get', '/apis/apps/v1'), true],
    ['nonResourceURL miss', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, url('get', '/metrics'), false],
    ['resource rule never matches a URL', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, url('get', '/metrics'), false],
    ['URL rule never matches a resource', { verbs: ['*'], nonResourceURLs: ['*'] }, res('get', 'pods'), false],
  ];
  for (const [name, rule, a, want] of cases) assert.equal(ruleAllows(rule, a), want, name);
});

test('subjects and attributes', () => {
  const u: UserInfo = { username: 'system:serviceaccount:ns1:builder', groups: ['system:serviceaccounts', 'dev'] };
  assert.ok(subjectMatches({ kind: 'ServiceAccount', name: 'builder', namespace: 'ns1' }, u));
  assert.ok(subjectMatches({ kind: 'ServiceAccount', name: 'builder' }, u, 'ns1'));
  assert.ok(!subjectMatches({ kind: 'ServiceAccount', name: 'builder', namespace: 'ns2' }, u));
  assert.ok(subjectMatches({ kind: 'Group', name: 'dev' }, u));
  assert.ok(!subjectMatches({ kind: 'User', name: 'dev' }, u));
  const nsReq = attributesOf({ isResourceRequest: true, path: '/api/v1/namespaces/foo', verb: 'get', group: '', resource: 'namespaces', name: 'foo' });
  assert.equal(nsReq.namespace, 'foo');
  assert.equal(forbiddenReason('x', res('list', 'pods', { namespace: 'default' })), 'User "x" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(forbiddenReason('x', res('list', 'nodes')), 'User "x" cannot list resource "nodes" in API group "" at the cluster scope');
  assert.equal(forbiddenReason('x', res('get', 'pods', { subresource: 'log', namespace: 'a' })), 'User "x" cannot get resource "pods/log" in API group "" in the namespace "a"');
});

function source(o: { clusterRoles?: ClusterRole[]; roles?: Role[]; crbs?: RoleBinding[]; rbs?: RoleBinding[] }): RbacSource {
  return {
    ready: async () => {},
    clusterRole: (n) => o.clusterRoles?.find((r) => r.metadata.name === n),
    role: (ns, n) => o.roles?.find((r) => r.metadata.name === n && r.metadata.namespace === ns),
    clusterRoleBindings: () => o.crbs ?? [],
    roleBindings: (ns) => (o.rbs ?? []).filter((b) => b.metadata.namespace === ns),
  };
}

test('RBAC: cluster bindings, namespaced bindings to Roles and ClusterRoles', async () => {
  const reader: ClusterRole = { metadata: { name: 'reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] };
  const writer: Role = { metadata: { name: 'writer', namespace: 'a' }, rules: [{ verbs: ['create'], apiGroups: [''], resources: ['configmaps'] }] };
  const z = new RbacAuthorizer(source({
    clusterRoles: [reader],
    roles: [writer],
    crbs: [{ metadata: { name: 'ops-read' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'Group', name: 'ops' }] }],
    rbs: [
      { metadata: { name: 'alice-read', namespace: 'a' }, roleRef: { apiGroup: '', kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'User', name: 'alice' }] },
      { metadata: { name: 'alice-write', namespace: 'a' }, roleRef: { apiGroup: '', kind: 'Role', name: 'writer' }, subjects: [{ kind: 'User', name: 'alice' }] },
    ],
  }));
  const alice: UserInfo = { username: 'alice', groups: [] };
  const ops: UserInfo = { username: 'olga', groups: ['ops'] };
  const table: [UserInfo, AuthzAttributes, boolean][] = [
    [alice, res('list', 'pods', { namespace: 'a' }), true],
    [alice, res('list', 'pods', { namespace: 'b' }), false],
    [alice, res('list', 'pods'), false],
    [alice, res('create', 'configmaps', { namespace: 'a' }), true],
    [alice, res('delete', 'configmaps', { namespace: 'a' }), false],
    [ops, res('list', 'pods', { namespace: 'b' }), true],
    [ops, res('list', 'pods'), true],
    [ops, res('delete', 'pods', { namespace: 'b' }), false],
  ];
  for (const [u, a, want] of table) assert.equal((await z.authorize(u, a)).allowed, want, `${u.username} ${a.verb} ${a.resource} ${a.namespace}`);
  assert.match((await z.authorize(alice, res('list', 'pods', { namespace: 'a' }))).reason!, /RoleBinding "alice-read\/a" of ClusterRole "reader" to User "alice"/);
  assert.equal((await z.rulesFor(alice, 'a')).rules.length, 2);
});

test('aggregation: union of matching roles, deduplicated, in name order', () => {
  const label = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' };
  const target: ClusterRole = { metadata: { name: 'view' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: label }] } };
  const a: ClusterRole = { metadata: { name: 'b-src', labels: label }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
  const b: ClusterRole = { metadata: { name: 'a-src', labels: label }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
  const other: ClusterRole = { metadata: { name: 'other' }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };
  assert.deepEqual(aggregatedRules(target, [target, a, b, other]), [b.rules![0], b.rules![1]]);
  assert.equal(aggregatedRules(other, [target, a, b, other]), undefined);
});

test('node authorizer table: graph-checked secrets, node rules, no opinion for others', async () => {
  const pod = (name: string, node: string, secret: string): Pod => ({ metadata: { name, namespace: 'ns' }, spec: { nodeName: node, containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: secret, key: 'k' } } }] }] } }) as Pod;
  const pods = [pod('p1', 'node-a', 's-a'), pod('p2', 'node-b', 's-b')];
  const z = new NodeAuthorizer({ ready: async () => {}, podsOn: (n, ns) => pods.filter((p) => p.spec.nodeName === n && p.metadata.namespace === ns) });
  const nodeA: UserInfo = { username: 'system:node:node-a', groups: ['system:nodes', 'system:authenticated'] };
  const table: [UserInfo, AuthzAttributes, boolean, boolean][] = [
    [nodeA, res('get', 'secrets', { namespace: 'ns', name: 's-a' }), true, false],
    [nodeA, res('get', 'secrets', { namespace: 'ns', name: 's-b' }), false, true],
    [nodeA, res('list', 'secrets', { namespace: 'ns' }), false, true],
    [nodeA, res('create', 'serviceaccounts', { namespace: 'ns', name: 'default', subresource: 'token' }), true, false],
    [nodeA, res('list', 'pods'), true, false],
    [nodeA, res('update', 'nodes', { subresource: 'status', name: 'node-a' }), true, false],
    [nodeA, res('delete', 'deployments', { apiGroup: 'apps', namespace: 'ns', name: 'd' }), false, false],
    [{ username: 'alice', groups: [] }, res('get', 'secrets', { namespace: 'ns', name: 's-a' }), false, false],
    [{ username: 'system:node:node-a', groups: [] }, res('list', 'pods'), false, false],
  ];
  for (const [u, a, allowed, denied] of table) {
    const d = await z.authorize(u, a);
    assert.equal(d.allowed, allowed, `${u.username} ${a.verb} ${a.resource} ${a.name}`);
    assert.equal(!!d.denied, denied, `${u.username} ${a.verb} ${a.resource} ${a.name} denied`);
  }
  assert.equal(nodeNameOf(nodeA), 'node-a');
});
