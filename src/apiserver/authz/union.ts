// Authorization modes in order (upstream `--authorization-mode=Node,RBAC`): the first that
// allows wins; one that explicitly denies stops the chain; otherwise the next is asked.
import type { UserInfo } from '../admission/interface.js';
import type { AuthorizationDecision, Authorizer } from '../auth.js';
import type { AuthzAttributes } from './rules.js';

export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: Authorizer[]) {}

  async authorize(user: UserInfo, a: AuthzAttributes): Promise<AuthorizationDecision> {
    const reasons: string[] = [];
    for (const z of this.authorizers) {
      const d = await z.authorize(user, a);
      if (d.allowed) return d;
      if (d.reason) reasons.push(d.reason);
      if (d.denied) break;
    }
    return { allowed: false, reason: reasons.join('; ') || undefined };
  }
}
