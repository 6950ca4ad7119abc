// Authentication and authorization stages of the request pipeline. The insecure loopback
// port authenticates every request as a cluster admin and allows everything; TLS, tokens and
// RBAC plug in here behind the same interfaces.
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './admission/interface.js';
import type { RequestInfo } from './request-info.js';

/** Returns the user, or undefined when the request carries no credentials this authenticator knows. */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
}

export interface AuthorizationDecision {
  allowed: boolean;
  reason?: string;
}

/** Decides whether `user` may do what `info` describes. */
export interface Authorizer {
  authorize(user: UserInfo, info: RequestInfo): Promise<AuthorizationDecision>;
}

/** The insecure port's authenticator: everyone is an admin (loopback only). */
export const insecureAuthenticator: Authenticator = {
  authenticate: async () => ({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] }),
};

export const allowAll: Authorizer = {
  authorize: async () => ({ allowed: true }),
};
