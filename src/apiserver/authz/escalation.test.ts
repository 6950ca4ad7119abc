import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types/index.js';
import type { PolicyRule, RoleRef } from '../../api/types/rbac.js';
import type { AdmissionAttributes, UserInfo } from '../admission/interface.js';
import { StatusError } from '../errors.js';
import { RESOURCES } from '../registry/resources.js';
import { RbacEscalationCheck } from './escalation-check.js';
import { breakdownRule, compactRules, compactString, covers, escalationError } from './escalation.js';
import { ruleAllows, type AuthzAttributes } from './rules.js';

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({ verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) });
const u = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

test('covers: table of owned rules against wanted rules', () => {
  const cases: [string, PolicyRule[], PolicyRule[], boolean][] = [
    ['exact', [r(['get'], [''], ['pods'])], [r(['get'], [''], ['pods'])], true],
    ['more verbs wanted', [r(['get'], [''], ['pods'])], [r(['get', 'list'], [''], ['pods'])], false],
    ['split across two owned rules', [r(['get'], [''], ['pods']), r(['list'], [''], ['pods'])], [r(['get', 'list'], [''], ['pods'])], true],
    ['verb wildcard owned', [r(['*'], [''], ['pods'])], [r(['delete', 'get'], [''], ['pods'])], true],
    ['verb wildcard wanted needs wildcard', [r(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [''], ['pods'])], [r(['*'], [''], ['pods'])], false],
    ['group wildcard owned', [r(['get'], ['*'], ['deployments'])], [r(['get'], ['apps'], ['deployments'])], true],
    ['other group', [r(['get'], [''], ['deployments'])], [r(['get'], ['apps'], ['deployments'])], false],
    ['resource wildcard owned covers subresources', [r(['get'], [''], ['*'])], [r(['get'], [''], ['pods/log', 'secrets'])], true],
    ['*/sub owned covers x/sub', [r(['update'], [''], ['*/status'])], [r(['update'], [''], ['pods/status'])], true],
    ['*/sub owned does not cover the resource', [r(['update'], [''], ['*/status'])], [r(['update'], [''], ['pods'])], false],
    ['plain resource does not cover subresource', [r(['get'], [''], ['pods'])], [r(['get'], [''], ['pods/log'])], false],
    ['owned names cover the same names', [r(['get'], [''], ['secrets'], ['a', 'b'])], [r(['get'], [''], ['secrets'], ['a'])], true],
    ['owned names do not cover other names', [r(['get'], [''], ['secrets'], ['a'])], [r(['get'], [''], ['secrets'], ['a', 'c'])], false],
    ['owned names do not cover every name', [r(['get'], [''], ['secrets'], ['a'])], [r(['get'], [''], ['secrets'])], false],
    ['unnamed owned covers names', [r(['get'], [''], ['secrets'])], [r(['get'], [''], ['secrets'], ['x'])], true],
    ['URL exact', [u(['get'], ['/healthz'])], [u(['get'], ['/healthz'])], true],
    ['URL prefix', [u(['get'], ['/apis/*'])], [u(['get'], ['/apis/apps', '/apis/'])], true],
    ['URL outside prefix', [u(['get'], ['/apis/*'])], [u(['get'], ['/api'])], false],
    ['resource rules never cover URLs', [r(['*'], ['*'], ['*'])], [u(['get'], ['/metrics'])], false],
    ['nothing wanted', [], [], true],
    ['nothing owned', [], [r(['get'], [''], ['pods'])], false],
  ];
  for (const [name, owned, wanted, want] of cases) assert.equal(covers(owned, wanted).ok, want, name);
});

test('breakdown agrees with the authorizer: every broken-down rule allows exactly one request', () => {
  const rule = r(['get', 'list'], ['', 'apps'], ['pods', 'deployments/scale'], ['x']);
  const subs = breakdownRule(rule);
  assert.equal(subs.length, 8);
  for (const s of subs) {
    const [resource, subresource] = s.resources![0]!.split('/');
    const a: AuthzAttributes = { verb: s.verbs[0]!, isResourceRequest: true, path: '', apiGroup: s.apiGroups![0]!, resource: resource!, subresource, name: 'x' };
    assert.ok(ruleAllows(rule, a));
  }
  assert.deepEqual(breakdownRule(u(['get', 'post'], ['/a'])), [u(['get'], ['/a']), u(['post'], ['/a'])]);
});

test('missing rules are compacted and described as upstream', () => {
  assert.deepEqual(compactRules([r(['get'], [''], ['secrets']), r(['list'], [''], ['secrets']), r(['get'], [''], ['pods'], ['a']), u(['get'], ['/x'])]), [
    u(['get'], ['/x']),
    r(['get', 'list'], [''], ['secrets']),
    r(['get'], [''], ['pods'], ['a']),
  ]);
  assert.equal(compactString(r(['get', 'list'], [''], ['secrets'], ['s1'])), '{APIGroups:[""], Resources:["secrets"], ResourceNames:["s1"], Verbs:["get" "list"]}');
  assert.equal(compactString(u(['get'], ['/healthz'])), '{NonResourceURLs:["/healthz"], Verbs:["get"]}');
  const alice: UserInfo = { username: 'alice', groups: ['dev', 'system:authenticated'] };
  assert.equal(escalationError(alice, [r(['get'], [''], ['pods'])], [r(['get'], [''], ['pods'])]), undefined);
  assert.equal(
    escalationError(alice, [r(['get'], [''], ['pods'])], [r(['get', 'list'], [''], ['secrets', 'pods'])]),
    'user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["list"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
  );
});

const info = (resource: string) => RESOURCES.find((x) => x.group === 'rbac.authorization.k8s.io' && x.resource === resource)!;

test('RbacEscalationCheck: who may write which roles and bindings', async () => {
  const EDIT_IN_A = [r(['get', 'list', 'create', 'update', 'delete'], [''], ['pods', 'configmaps']), r(['create', 'get'], ['rbac.authorization.k8s.io'], ['roles', 'rolebindings'])];
  const roles: Record<string, PolicyRule[]> = {
    'ClusterRole/cluster-admin': [r(['*'], ['*'], ['*']), u(['*'], ['*'])],
    'ClusterRole/pod-reader': [r(['get'], [''], ['pods'])],
    'Role/a/cm-writer': [r(['create'], [''], ['configmaps'])],
  };
  // alice: edit-like rules in namespace a; may bind ClusterRole "cluster-admin" in namespace b only;
  // may escalate roles in namespace c.
  const grants: AuthzAttributes[] = [
    { verb: 'bind', isResourceRequest: true, path: '', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'cluster-admin', namespace: 'b' },
    { verb: 'escalate', isResourceRequest: true, path: '', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'c' },
  ];
  const check = new RbacEscalationCheck({
    authorizer: {
      authorize: async (_u, a) => ({ allowed: grants.some((g) => g.verb === a.verb && g.resource === a.resource && g.namespace === a.namespace && (!g.name || g.name === a.name)) }),
    },
    rulesFor: async (_u, ns) => ({ rules: ns === 'a' ? EDIT_IN_A : [], incomplete: false }),
    roleRules: async (ref: RoleRef, ns) => roles[ref.kind === 'Role' ? `Role/${ns}/${ref.name}` : `ClusterRole/${ref.name}`],
  });
  const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'] };
  const admin: UserInfo = { username: 'root', groups: ['system:masters'] };
  const role = (ns: string | undefined, rules: PolicyRule[]): KubeObject => ({ metadata: { name: 'x', ...(ns ? { namespace: ns } : {}) }, rules }) as KubeObject;
  const binding = (ns: string | undefined, kind: string, name: string): KubeObject => ({ metadata: { name: 'b', ...(ns ? { namespace: ns } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name }, subjects: [{ kind: 'User', name: 'mallory' }] }) as KubeObject;
  const attrs = (resource: string, ns: string | undefined, object: KubeObject, user = alice, oldObject?: KubeObject): AdmissionAttributes => ({
    operation: oldObject ? 'UPDATE' : 'CREATE', resource: info(resource), namespace: ns, name: object.metadata.name!, object, oldObject, user, dryRun: false,
  });
  const cases: [string, AdmissionAttributes, number | undefined][] = [
    ['role with held rules', attrs('roles', 'a', role('a', [r(['get'], [''], ['pods'])])), undefined],
    ['role with secrets', attrs('roles', 'a', role('a', [r(['get'], [''], ['secrets'])])), 403],
    ['same role in another namespace', attrs('roles', 'b', role('b', [r(['get'], [''], ['pods'])])), 403],
    ['role where escalate is granted', attrs('roles', 'c', role('c', [r(['*'], ['*'], ['*'])])), undefined],
    ['clusterrole with rules held only in a namespace', attrs('clusterroles', undefined, role(undefined, [r(['get'], [''], ['pods'])])), 403],
    ['system:masters bypass', attrs('clusterroles', undefined, role(undefined, [r(['*'], ['*'], ['*'])]), admin), undefined],
    ['update leaving rules alone', attrs('roles', 'b', role('b', [r(['*'], ['*'], ['*'])]), alice, role('b', [r(['*'], ['*'], ['*'])])), undefined],
    ['update adding a rule', attrs('roles', 'a', role('a', [r(['*'], [''], ['secrets'])]), alice, role('a', [])), 403],
    ['binding to a covered role', attrs('rolebindings', 'a', binding('a', 'Role', 'cm-writer')), undefined],
    ['binding to a covered clusterrole', attrs('rolebindings', 'a', binding('a', 'ClusterRole', 'pod-reader')), undefined],
    ['binding cluster-admin without bind', attrs('rolebindings', 'a', binding('a', 'ClusterRole', 'cluster-admin')), 403],
    ['binding cluster-admin with bind in b', attrs('rolebindings', 'b', binding('b', 'ClusterRole', 'cluster-admin')), undefined],
    ['clusterrolebinding of cluster-admin (bind only in b)', attrs('clusterrolebindings', undefined, binding(undefined, 'ClusterRole', 'cluster-admin')), 403],
    ['binding a missing role', attrs('rolebindings', 'a', binding('a', 'ClusterRole', 'nope')), 404],
  ];
  for (const [name, a, code] of cases) {
    const err = await check.validate(a).then(() => undefined, (e: unknown) => e);
    if (code === undefined) assert.equal(err, undefined, name);
    else {
      assert.ok(err instanceof StatusError, `${name}: ${String(err)}`);
      assert.equal(err.code, code, name);
    }
  }
  const err = (await check.validate(attrs('rolebindings', 'a', binding('a', 'ClusterRole', 'cluster-admin'))).catch((e: unknown) => e)) as StatusError;
  assert.match(err.message, /^rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}\n\{NonResourceURLs:\["\*"\], Verbs:\["\*"\]\}$/);
});
