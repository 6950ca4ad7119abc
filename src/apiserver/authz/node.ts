// The Node authorizer: a kubelet (user `system:node:<name>` in group `system:nodes`) gets the
// node rules, and may read a secret, config map or claim, or request a service-account token,
// only when a pod bound to its node references it. Other users: no opinion. Writes to other
// nodes' objects are refused by the NodeRestriction admission plugin.
import type { Pod } from '../../api/types/index.js';
import type { UserInfo } from '../admission/interface.js';
import type { AuthorizationDecision, Authorizer } from '../auth.js';
import { NODE_RULES } from './bootstrap-policy.js';
import { podRefs, type PodRefs } from './pod-refs.js';
import { ruleAllows, type AuthzAttributes } from './rules.js';

const NODE_PREFIX = 'system:node:';

/** The node a user speaks for, or undefined when it is not a node identity. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.username.startsWith(NODE_PREFIX) || !user.groups.includes('system:nodes')) return undefined;
  const name = user.username.slice(NODE_PREFIX.length);
  return name || undefined;
}

/** Pods by node. Contract: synchronous read of an up-to-date cache; `ready` resolves once filled. */
export interface PodsByNode {
  ready(): Promise<void>;
  podsOn(nodeName: string, namespace: string): Pod[];
}

const GRAPH: Record<string, keyof PodRefs> = {
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
};

export class NodeAuthorizer implements Authorizer {
  constructor(private readonly pods: PodsByNode) {}

  async authorize(user: UserInfo, a: AuthzAttributes): Promise<AuthorizationDecision> {
    const node = nodeNameOf(user);
    if (!node) return { allowed: false };
    if (a.isResourceRequest && a.apiGroup === '') {
      const graphKey = !a.subresource ? GRAPH[a.resource] : a.resource === 'serviceaccounts' && a.subresource === 'token' ? 'serviceaccounts' : undefined;
      if (graphKey) {
        if (a.verb !== 'get' && !(graphKey === 'serviceaccounts' && a.verb === 'create')) return { allowed: false, denied: true, reason: `can only get individual resources of this type` };
        if (!a.name || !a.namespace) return { allowed: false, denied: true, reason: `can only get individual resources of this type` };
        await this.pods.ready();
        const ok = this.pods.podsOn(node, a.namespace).some((p) => podRefs(p)[graphKey].has(a.name!));
        if (ok) return { allowed: true, reason: `node "${node}" runs a pod that references it` };
        return { allowed: false, denied: true, reason: `no relationship found between node '${node}' and this object` };
      }
    }
    if (NODE_RULES.some((r) => ruleAllows(r, a))) return { allowed: true, reason: 'Node authorizer' };
    return { allowed: false };
  }
}
