// Service-account tokens for projected volumes: fetched through TokenRequest (bound to the pod),
// cached, and fetched again once 80 % of their lifetime has passed or they are 24 h old, as the
// upstream kubelet's token manager does.
import type { Clock } from '../util/clock.js';

/** What a projected `serviceAccountToken` source asks for. */
export interface TokenSpec {
  audiences: string[];
  expirationSeconds: number;
  pod: { name: string; uid: string };
}

/** A TokenRequest answer. */
export interface IssuedToken {
  token: string;
  /** ms since epoch. */
  expiresAt: number;
}

/** Calls `serviceaccounts/<name>/token`. */
export type TokenRequester = (namespace: string, serviceAccount: string, spec: TokenSpec) => Promise<IssuedToken>;

const MAX_TTL_MS = 24 * 3600_000;

/** True once 80 % of the token's lifetime has passed, or it is older than 24 h. */
export function needsRefresh(t: IssuedToken, expirationSeconds: number, now: number): boolean {
  const issuedAt = t.expiresAt - expirationSeconds * 1000;
  if (now > issuedAt + MAX_TTL_MS) return true;
  return now > t.expiresAt - expirationSeconds * 200;
}

export class ServiceAccountTokenManager {
  private readonly cache = new Map<string, IssuedToken>();

  constructor(private readonly request: TokenRequester, private readonly clock: Clock) {}

  /** The current token for this pod and projection (a cached one while still fresh). */
  async token(namespace: string, serviceAccount: string, spec: TokenSpec): Promise<string> {
    const key = JSON.stringify([namespace, serviceAccount, spec.pod.uid, spec.audiences, spec.expirationSeconds]);
    const cur = this.cache.get(key);
    if (cur && !needsRefresh(cur, spec.expirationSeconds, this.clock.now())) return cur.token;
    const next = await this.request(namespace, serviceAccount, spec);
    this.cache.set(key, next);
    return next.token;
  }

  /** Drops the tokens of pods not in `live` (uids). */
  forgetGone(live: Set<string>): void {
    for (const k of this.cache.keys()) if (!live.has((JSON.parse(k) as string[])[2]!)) this.cache.delete(k);
  }
}
