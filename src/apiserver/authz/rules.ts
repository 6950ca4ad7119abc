// RBAC rule and subject matching (pure), with upstream semantics: `*` wildcards for verbs,
// groups and resources, `*/sub` for any resource's subresource, resourceNames restricting
// named requests, nonResourceURLs matched exactly or by a trailing `*` prefix.
import type { PolicyRule, Subject } from '../../api/types/rbac.js';
import type { UserInfo } from '../admission/interface.js';

/** What is being asked (upstream authorizer.Attributes). */
export interface AuthzAttributes {
  verb: string;
  isResourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** Does `rule` allow the resource request `a`? */
export function resourceRuleAllows(rule: PolicyRule, a: AuthzAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = (rule.resources ?? []).some((r) => r === '*' || r === combined || (!!a.subresource && r === `*/${a.subresource}`));
  if (!resourceOk) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return !!a.name && rule.resourceNames.includes(a.name);
}

/** Does `rule` allow the non-resource request `a` (e.g. GET /healthz)? */
export function nonResourceRuleAllows(rule: PolicyRule, a: AuthzAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
}

export function ruleAllows(rule: PolicyRule, a: AuthzAttributes): boolean {
  return a.isResourceRequest ? resourceRuleAllows(rule, a) : nonResourceRuleAllows(rule, a);
}

/** Does `subject` (of a binding in `bindingNamespace`) name `user`? */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace?: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return !!ns && user.username === `system:serviceaccount:${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** How a subject is described in an allow reason: `User "alice"`. */
export function describeSubject(s: Subject, bindingNamespace?: string): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount "${s.namespace || bindingNamespace}/${s.name}"` : `${s.kind} "${s.name}"`;
}

/** The forbidden message upstream writes, without the `<resource> is forbidden: ` prefix. */
export function forbiddenReason(username: string, a: AuthzAttributes): string {
  if (!a.isResourceRequest) return `User "${username}" cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return `User "${username}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}"${scope}`;
}

/**
 * Authorization attributes of a parsed request. As upstream, a request on a namespace object
 * (`/api/v1/namespaces/foo`) is in namespace `foo`, so namespace-scoped bindings can grant it.
 */
export function attributesOf(info: { isResourceRequest: boolean; path: string; verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string }): AuthzAttributes {
  const namespace = info.namespace ?? (info.resource === 'namespaces' && info.name ? info.name : undefined);
  return { verb: info.verb, isResourceRequest: info.isResourceRequest, path: info.path, apiGroup: info.group, resource: info.resource, subresource: info.subresource, namespace, name: info.name };
}
