// Authentication and authorization stages of the request pipeline. The insecure loopback
// port authenticates every request as a cluster admin and allows everything; the secure port
// uses the authentication union (authn/) and Node + RBAC authorization (authz/).
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './admission/interface.js';
import type { AuthzAttributes } from './authz/rules.js';

/**
 * Returns the user, or undefined when the request carries no credentials this authenticator
 * knows. Bearer-token authenticators (static tokens, service-account JWTs) read
 * `Authorization: Bearer …` and return undefined for a token that is not theirs.
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
}

/** `allowed`, or not; `denied` means "no, and ask no other authorizer". */
export interface AuthorizationDecision {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
}

/** Decides whether `user` may do what `attrs` describes. */
export interface Authorizer {
  authorize(user: UserInfo, attrs: AuthzAttributes): Promise<AuthorizationDecision>;
}

/** The insecure port's authenticator: everyone is an admin (loopback only). */
export const insecureAuthenticator: Authenticator = {
  authenticate: async () => ({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] }),
};

export const allowAll: Authorizer = {
  authorize: async () => ({ allowed: true }),
};
