// ServiceAccountTokenAuthenticator: accepts bearer JWTs this apiserver (or a peer with the same
// keys) issued, after checking signature, issuer, audience, expiry, and that the service account
// and the bound pod or secret still exist with the same uid.
import type { IncomingMessage } from 'node:http';
import type { Pod, Secret, ServiceAccount } from '../../api/types/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { UserInfo } from '../admission/interface.js';
import type { Authenticator } from '../auth.js';
import { checkClaims, serviceAccountUsername } from './claims.js';
import { looksLikeJwt, unverifiedClaims, verifyJwt, type JwtPublicKey } from './jwt.js';

/** Reads an object (cache first, then storage); undefined when absent. */
export type ObjectLookup<T> = (namespace: string, name: string) => Promise<T | undefined>;

export interface ServiceAccountLookups {
  serviceAccount: ObjectLookup<ServiceAccount>;
  pod: ObjectLookup<Pod>;
  secret: ObjectLookup<Secret>;
}

/** The outcome of checking one token (TokenReview reports the error text). */
export type TokenResult = { user: UserInfo; audiences: string[] } | { error: string } | undefined;

/** A bearer-token authenticator usable by TokenReview. Contract: undefined = not this authenticator's token. */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences?: string[]): Promise<TokenResult>;
}

export interface ServiceAccountAuthenticatorOptions {
  keys: JwtPublicKey[];
  /** Accepted `iss` values (the first is the one this server issues). */
  issuers: string[];
  /** The apiserver's own audiences (`--api-audiences`). */
  audiences: string[];
  lookups: ServiceAccountLookups;
  clock: Clock;
  logger: Logger;
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export class ServiceAccountTokenAuthenticator implements Authenticator, TokenAuthenticator {
  constructor(private readonly o: ServiceAccountAuthenticatorOptions) {}

  /** Contract (Authenticator): a valid token → its user; anything else → undefined (logged). */
  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const token = bearerToken(req);
    if (!token) return undefined;
    const r = await this.authenticateToken(token);
    if (r && 'error' in r) {
      this.o.logger.debug({ err: r.error }, 'service account token rejected');
      return undefined;
    }
    return r?.user;
  }

  /**
   * 1. shape and issuer (other issuers' tokens are not ours: undefined); 2. signature;
   * 3. registered claims; 4. the service account and the bound object still exist with their uids.
   */
  async authenticateToken(token: string, audiences?: string[]): Promise<TokenResult> {
    // 1. ours?
    if (!looksLikeJwt(token)) return undefined;
    let raw: Record<string, unknown>;
    try {
      raw = unverifiedClaims(token);
    } catch {
      return undefined;
    }
    if (typeof raw.iss !== 'string' || !this.o.issuers.includes(raw.iss)) return undefined;
    // 2. signature
    try {
      raw = verifyJwt(token, this.o.keys);
    } catch (err) {
      return { error: (err as Error).message };
    }
    // 3. claims
    const wanted = audiences?.length ? audiences : this.o.audiences;
    const checked = checkClaims(raw, { issuers: this.o.issuers, audiences: wanted, now: this.o.clock.now() });
    if ('error' in checked) return checked;
    const c = checked.claims;
    const k = c['kubernetes.io'];
    // 4. live objects
    const sa = await this.o.lookups.serviceAccount(k.namespace, k.serviceaccount.name);
    if (!sa) return { error: `service account ${k.namespace}/${k.serviceaccount.name} has been deleted` };
    if (sa.metadata.uid !== k.serviceaccount.uid) return { error: `service account UID (${k.serviceaccount.uid}) does not match service account UID in storage (${sa.metadata.uid})` };
    const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${c.jti}`] };
    if (k.pod) {
      const pod = await this.o.lookups.pod(k.namespace, k.pod.name);
      if (!pod) return { error: `pod ${k.namespace}/${k.pod.name} has been deleted` };
      if (pod.metadata.uid !== k.pod.uid) return { error: `pod UID (${k.pod.uid}) does not match pod UID in storage (${pod.metadata.uid})` };
      if (pod.metadata.deletionTimestamp && Date.parse(pod.metadata.deletionTimestamp) <= this.o.clock.now()) return { error: `pod ${k.namespace}/${k.pod.name} is being deleted` };
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    if (k.secret) {
      const s = await this.o.lookups.secret(k.namespace, k.secret.name);
      if (!s) return { error: `secret ${k.namespace}/${k.secret.name} has been deleted` };
      if (s.metadata.uid !== k.secret.uid) return { error: `secret UID (${k.secret.uid}) does not match secret UID in storage (${s.metadata.uid})` };
    }
    if (k.node) {
      extra['authentication.kubernetes.io/node-name'] = [k.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
    }
    const user: UserInfo = {
      username: serviceAccountUsername(k.namespace, k.serviceaccount.name),
      uid: k.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
      extra,
    };
    return { user, audiences: c.aud.filter((a) => wanted.includes(a)) };
  }
}
