// The RBAC authorizer: ClusterRoleBindings, then RoleBindings in the request's namespace; the
// first rule of a bound role that allows the request wins. Reads come from a RbacSource (the
// apiserver's watch caches), so a decision costs no etcd round trip.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../api/types/rbac.js';
import type { UserInfo } from '../admission/interface.js';
import type { AuthorizationDecision, Authorizer } from '../auth.js';
import { describeSubject, ruleAllows, subjectMatches, type AuthzAttributes } from './rules.js';

/** Read access to the RBAC objects. Contract: synchronous reads of an up-to-date cache; `ready` resolves once it is filled. */
export interface RbacSource {
  ready(): Promise<void>;
  clusterRole(name: string): ClusterRole | undefined;
  role(namespace: string, name: string): Role | undefined;
  clusterRoleBindings(): ClusterRoleBinding[];
  roleBindings(namespace: string): RoleBinding[];
}

/** Rules that apply to a user in a namespace, as SelfSubjectRulesReview reports them. */
export interface RulesFor {
  rules: PolicyRule[];
  incomplete: boolean;
}

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly src: RbacSource) {}

  private roleRules(b: RoleBinding, namespace?: string): PolicyRule[] | undefined {
    if (b.roleRef.kind === 'ClusterRole') return this.src.clusterRole(b.roleRef.name)?.rules ?? undefined;
    if (b.roleRef.kind === 'Role' && namespace) return this.src.role(namespace, b.roleRef.name)?.rules ?? undefined;
    return undefined;
  }

  /** Visits every (binding, rules) pair that names `user`; stops when `visit` returns true. */
  private visit(user: UserInfo, namespace: string | undefined, visit: (kind: string, b: RoleBinding, rules: PolicyRule[] | undefined, subject: string) => boolean): void {
    for (const b of this.src.clusterRoleBindings()) {
      const s = (b.subjects ?? []).find((x) => subjectMatches(x, user));
      if (s && visit('ClusterRoleBinding', b, this.roleRules(b), describeSubject(s))) return;
    }
    if (!namespace) return;
    for (const b of this.src.roleBindings(namespace)) {
      const s = (b.subjects ?? []).find((x) => subjectMatches(x, user, namespace));
      if (s && visit('RoleBinding', b, this.roleRules(b, namespace), describeSubject(s, namespace))) return;
    }
  }

  async authorize(user: UserInfo, a: AuthzAttributes): Promise<AuthorizationDecision> {
    await this.src.ready();
    let reason: string | undefined;
    this.visit(user, a.namespace, (kind, b, rules, subject) => {
      if (!rules?.some((r) => ruleAllows(r, a))) return false;
      const where = kind === 'RoleBinding' ? `RoleBinding "${b.metadata.name}/${b.metadata.namespace}"` : `ClusterRoleBinding "${b.metadata.name}"`;
      reason = `RBAC: allowed by ${where} of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject}`;
      return true;
    });
    return reason ? { allowed: true, reason } : { allowed: false };
  }

  /** Every rule bound to `user` in `namespace` (cluster-wide bindings included). */
  async rulesFor(user: UserInfo, namespace: string): Promise<RulesFor> {
    await this.src.ready();
    const rules: PolicyRule[] = [];
    let incomplete = false;
    this.visit(user, namespace, (_k, _b, rs) => {
      if (rs === undefined) incomplete = true;
      else rules.push(...rs);
      return false;
    });
    return { rules, incomplete };
  }
}
