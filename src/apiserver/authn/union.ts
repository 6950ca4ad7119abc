// The authentication union: the first authenticator that recognizes the request wins and the
// user joins `system:authenticated`. A request that presented a credential nobody accepted is
// refused (401); one with no credential at all is anonymous when anonymous auth is on.
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../admission/interface.js';
import type { Authenticator } from '../auth.js';

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export interface UnionOptions {
  authenticators: Authenticator[];
  anonymous: boolean;
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}

/** Runs authenticators in order; see the file comment for the fall-through rules. */
export class UnionAuthenticator implements Authenticator {
  constructor(private readonly o: UnionOptions) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    for (const a of this.o.authenticators) {
      const u = await a.authenticate(req);
      if (u) return withAuthenticated(u);
    }
    if (req.headers.authorization) return undefined;
    return this.o.anonymous ? { ...ANONYMOUS, groups: [...ANONYMOUS.groups] } : undefined;
  }
}
