// RBAC privilege-escalation prevention on writes of roles and bindings, as upstream's RBAC
// registry does it (not an admission plugin there, so it cannot be disabled here either):
// - a Role/ClusterRole is written only when the requester already holds every permission in it
//   (in its namespace; cluster-wide for a ClusterRole) or may `escalate` it;
// - a RoleBinding/ClusterRoleBinding is written only when the requester holds every permission of
//   the referenced role (in the binding's namespace) or may `bind` it (resourceNames respected);
// - members of system:masters are never checked; updates that leave the rules and aggregation rule (or all
//   but garbage-collection fields) unchanged are not checked.
import type { KubeObject } from '../../api/types/index.js';
import type { ClusterRole, PolicyRule, RoleBinding, RoleRef } from '../../api/types/rbac.js';
import type { AdmissionAttributes, AdmissionPlugin, UserInfo } from '../admission/interface.js';
import type { Authorizer } from '../auth.js';
import { errors } from '../errors.js';
import { escalationError } from './escalation.js';
import type { RulesFor } from './rbac.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const ROLES = new Set(['roles', 'clusterroles']);
const BINDINGS = new Set(['rolebindings', 'clusterrolebindings']);
/** Upstream's full authority, required to set an aggregationRule (it can gather anything). */
const FULL_AUTHORITY: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];

/** What the check reads. Contract: `roleRules` is undefined when the referenced role does not exist. */
export interface EscalationDeps {
  /** The apiserver's authorizer (Node + RBAC), asked about `escalate` and `bind`. */
  authorizer: Authorizer;
  /** Every rule bound to a user in a namespace ('' = cluster-wide bindings only). */
  rulesFor(user: UserInfo, namespace: string): Promise<RulesFor>;
  /** The rules of a binding's role; a Role is looked up in `namespace`. */
  roleRules(ref: RoleRef, namespace: string): Promise<PolicyRule[] | undefined>;
}

const isMaster = (u: UserInfo) => u.groups.includes('system:masters');

/** Equal apart from metadata the garbage collector writes (upstream IsOnlyMutatingGCFields) and server-set fields. */
function onlyGcFieldsChanged(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(obj) === strip(old);
}

export class RbacEscalationCheck implements AdmissionPlugin {
  readonly name = 'RBACEscalation';
  constructor(private readonly d: EscalationDeps) {}

  /** 1. skip what upstream skips; 2. the verb that delegates (escalate/bind); 3. cover check. */
  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.resource.group !== RBAC_GROUP || a.subresource) return;
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    const isRole = ROLES.has(a.resource.resource);
    if (!isRole && !BINDINGS.has(a.resource.resource)) return;
    // 1. skips
    if (isMaster(a.user)) return;
    if (a.operation === 'UPDATE' && a.oldObject && onlyGcFieldsChanged(a.object, a.oldObject)) return;
    const namespace = a.namespace ?? '';
    if (isRole) await this.checkRole(a, namespace);
    else await this.checkBinding(a, namespace);
  }

  private async allowed(user: UserInfo, verb: string, resource: string, apiGroup: string, name: string, namespace: string): Promise<boolean> {
    const d = await this.d.authorizer.authorize(user, { verb, isResourceRequest: true, path: '', apiGroup, resource, name: name || undefined, namespace: namespace || undefined });
    return d.allowed;
  }

  private async refuseUnlessCovered(a: AdmissionAttributes, namespace: string, wanted: PolicyRule[], message?: string): Promise<void> {
    const owned = await this.d.rulesFor(a.user, namespace);
    const why = escalationError(a.user, owned.rules, wanted, owned.incomplete);
    if (why) throw errors.forbidden(a.resource, a.name, message ?? why);
  }

  private async checkRole(a: AdmissionAttributes, namespace: string): Promise<void> {
    // 2. escalate
    if (await this.allowed(a.user, 'escalate', a.resource.resource, RBAC_GROUP, a.name, namespace)) return;
    // 3. unchanged rules need nothing; otherwise the requester's own rules, and full authority for an aggregation rule
    const role = a.object as ClusterRole;
    const old = a.oldObject as ClusterRole | undefined;
    const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
    if (old && same(old.rules, role.rules) && same(old.aggregationRule, role.aggregationRule)) return;
    await this.refuseUnlessCovered(a, namespace, role.rules ?? []);
    if (role.aggregationRule) await this.refuseUnlessCovered(a, namespace, FULL_AUTHORITY, 'must have cluster-admin privileges to use the aggregationRule');
  }

  private async checkBinding(a: AdmissionAttributes, namespace: string): Promise<void> {
    const ref = (a.object as RoleBinding).roleRef;
    if (!ref) return; // validation refuses it
    // 2. bind (checked in the binding's namespace, so bind can be delegated per namespace)
    const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : undefined;
    if (resource && (await this.allowed(a.user, 'bind', resource, ref.apiGroup ?? '', ref.name, namespace))) return;
    if (!resource) return; // validation refuses an unknown kind
    // 3. the referenced role's rules
    const rules = await this.d.roleRules(ref, namespace);
    if (!rules) throw errors.notFound({ group: RBAC_GROUP, resource }, ref.name);
    await this.refuseUnlessCovered(a, namespace, rules);
  }
}
