// Service-account token claims as upstream issues them: the registered claims plus the private
// `kubernetes.io` claim naming the namespace, the service account and the bound object.

/** The `kubernetes.io` private claim. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

export interface ClaimsInput {
  issuer: string;
  audiences: string[];
  /** Now, in ms. */
  now: number;
  expirationSeconds: number;
  jti: string;
  namespace: string;
  serviceAccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
}

/** `system:serviceaccount:<ns>:<name>`. */
export function serviceAccountUsername(ns: string, name: string): string {
  return `system:serviceaccount:${ns}:${name}`;
}

/** Builds the claims of a bound token. */
export function buildClaims(i: ClaimsInput): ServiceAccountClaims {
  const iat = Math.floor(i.now / 1000);
  const k: KubernetesClaim = { namespace: i.namespace, serviceaccount: i.serviceAccount };
  if (i.node) k.node = i.node;
  if (i.pod) k.pod = i.pod;
  if (i.secret) k.secret = i.secret;
  return {
    aud: i.audiences,
    exp: iat + i.expirationSeconds,
    iat,
    iss: i.issuer,
    jti: i.jti,
    'kubernetes.io': k,
    nbf: iat,
    sub: serviceAccountUsername(i.namespace, i.serviceAccount.name),
  };
}

/** Leeway for clock skew on nbf/iat, as upstream (60 s). */
const LEEWAY_S = 60;

/**
 * Checks the registered claims and the shape of the private claim; returns the typed claims or
 * a reason. Audience check: at least one of the token's audiences is accepted.
 */
export function checkClaims(c: Record<string, unknown>, o: { issuers: string[]; audiences: string[]; now: number }): { claims: ServiceAccountClaims } | { error: string } {
  const now = Math.floor(o.now / 1000);
  if (typeof c.iss !== 'string' || !o.issuers.includes(c.iss)) return { error: 'token has an unknown issuer' };
  const aud = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === 'string') : [];
  if (!aud.some((a) => o.audiences.includes(a))) return { error: 'token audiences is invalid for the target audiences' };
  if (typeof c.exp !== 'number' || now >= c.exp) return { error: 'service account token has expired' };
  if (typeof c.nbf === 'number' && now + LEEWAY_S < c.nbf) return { error: 'service account token is not valid yet' };
  const k = c['kubernetes.io'] as KubernetesClaim | undefined;
  if (!k || typeof k.namespace !== 'string' || typeof k.serviceaccount?.name !== 'string' || typeof k.serviceaccount?.uid !== 'string') {
    return { error: 'service account token claims could not be validated due to missing kubernetes.io claims' };
  }
  if (typeof c.sub !== 'string' || c.sub !== serviceAccountUsername(k.namespace, k.serviceaccount.name)) return { error: 'token subject does not match the service account' };
  return { claims: { ...(c as unknown as ServiceAccountClaims), aud } };
}
