// The review APIs (create-only, never stored): authorization.k8s.io/v1 SubjectAccessReview,
// SelfSubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview, and
// authentication.k8s.io/v1 SelfSubjectReview. Each answers from the request body and the
// apiserver's authorizer; the reply is the request with `status` filled in.
import type { PolicyRule } from '../../api/types/rbac.js';
import type { UserInfo } from '../admission/interface.js';
import type { Authorizer } from '../auth.js';
import type { RulesFor } from '../authz/rbac.js';
import type { AuthzAttributes } from '../authz/rules.js';
import { errors } from '../errors.js';
import type { ResourceInfo } from '../registry/resources.js';

const AUTHZ = 'authorization.k8s.io';
const AUTHN = 'authentication.k8s.io';

function review(group: string, resource: string, kind: string, namespaced = false): ResourceInfo {
  return { group, version: 'v1', resource, singular: kind.toLowerCase(), kind, namespaced, verbs: ['create'], subresources: [], hasStatus: false };
}

/** The review resources as discovery lists them. */
export const REVIEW_RESOURCES: ResourceInfo[] = [
  review(AUTHN, 'selfsubjectreviews', 'SelfSubjectReview'),
  review(AUTHZ, 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  review(AUTHZ, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
  review(AUTHZ, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
  review(AUTHZ, 'subjectaccessreviews', 'SubjectAccessReview'),
];

type Dict = Record<string, unknown>;

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** Reads spec.resourceAttributes / spec.nonResourceAttributes into authorizer attributes. */
export function specAttributes(spec: Dict): AuthzAttributes {
  const ra = spec.resourceAttributes as ResourceAttributes | undefined;
  const nra = spec.nonResourceAttributes as { path?: string; verb?: string } | undefined;
  if (ra && nra) throw errors.badRequest('spec.resourceAttributes and spec.nonResourceAttributes are mutually exclusive');
  if (ra) return { isResourceRequest: true, path: '', verb: ra.verb ?? '', apiGroup: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource || undefined, namespace: ra.namespace || undefined, name: ra.name || undefined };
  if (nra) return { isResourceRequest: false, path: nra.path ?? '', verb: nra.verb ?? '', apiGroup: '', resource: '' };
  throw errors.badRequest('exactly one of spec.resourceAttributes and spec.nonResourceAttributes must be set');
}

/** What the review endpoints need from the apiserver. */
export interface ReviewContext {
  authorizer: Authorizer;
  rulesFor(user: UserInfo, namespace: string): Promise<RulesFor>;
}

function reply(body: Dict, status: Dict): Dict {
  const meta = (body.metadata as Dict | undefined) ?? {};
  return { ...body, metadata: { ...meta, creationTimestamp: null }, status };
}

async function access(ctx: ReviewContext, user: UserInfo, attrs: AuthzAttributes): Promise<Dict> {
  const d = await ctx.authorizer.authorize(user, attrs);
  const status: Dict = { allowed: d.allowed };
  if (d.denied) status.denied = true;
  if (d.reason) status.reason = d.reason;
  return status;
}

function subjectOf(spec: Dict): UserInfo {
  const username = typeof spec.user === 'string' ? spec.user : '';
  const groups = Array.isArray(spec.groups) ? (spec.groups as string[]) : [];
  if (!username && groups.length === 0) throw errors.badRequest('at least one of user or group must be specified');
  return { username, groups, uid: typeof spec.uid === 'string' ? spec.uid : undefined, extra: spec.extra as Record<string, string[]> | undefined };
}

function splitRules(rules: PolicyRule[]): { resourceRules: Dict[]; nonResourceRules: Dict[] } {
  const resourceRules: Dict[] = [];
  const nonResourceRules: Dict[] = [];
  for (const r of rules) {
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    if (r.resources?.length) {
      const o: Dict = { verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources };
      if (r.resourceNames?.length) o.resourceNames = r.resourceNames;
      resourceRules.push(o);
    }
  }
  return { resourceRules, nonResourceRules };
}

/**
 * Answers one review. `resource` names which; `namespace` is the URL's (LocalSubjectAccessReview);
 * `user` is the requester. Returns the object to send with 201.
 */
export async function answerReview(ctx: ReviewContext, resource: string, body: Dict, user: UserInfo, namespace?: string): Promise<Dict> {
  const spec = (body.spec as Dict | undefined) ?? {};
  switch (resource) {
    case 'selfsubjectreviews': {
      const userInfo: Dict = { username: user.username, groups: user.groups };
      if (user.uid) userInfo.uid = user.uid;
      if (user.extra) userInfo.extra = user.extra;
      return reply(body, { userInfo });
    }
    case 'selfsubjectaccessreviews':
      return reply(body, await access(ctx, user, specAttributes(spec)));
    case 'subjectaccessreviews':
      return reply(body, await access(ctx, subjectOf(spec), specAttributes(spec)));
    case 'localsubjectaccessreviews': {
      const attrs = specAttributes(spec);
      if (!attrs.isResourceRequest) throw errors.badRequest('spec.nonResourceAttributes: disallowed on this kind of request');
      if (attrs.namespace && attrs.namespace !== namespace) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
      return reply(body, await access(ctx, subjectOf(spec), { ...attrs, namespace }));
    }
    case 'selfsubjectrulesreviews': {
      const ns = typeof spec.namespace === 'string' ? spec.namespace : '';
      const { rules, incomplete } = await ctx.rulesFor(user, ns);
      return reply(body, { ...splitRules(rules), incomplete });
    }
  }
  throw errors.notFoundPath(resource);
}
