// Compact JWS (JWT) signing and verification with node:crypto: RS256 for RSA keys, ES256 for
// P-256 keys. The key id is base64url(SHA-256(DER public key)), as upstream derives it.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtAlg = 'RS256' | 'ES256';

/** A verification key with its algorithm and id. */
export interface JwtPublicKey {
  kid: string;
  alg: JwtAlg;
  key: KeyObject;
}

/** A signing key (private) with its algorithm and id. */
export interface JwtSigningKey {
  kid: string;
  alg: JwtAlg;
  key: KeyObject;
}

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function algOf(k: KeyObject): JwtAlg {
  if (k.asymmetricKeyType === 'rsa') return 'RS256';
  if (k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new JwtError(`unsupported key type ${k.asymmetricKeyType}${k.asymmetricKeyDetails?.namedCurve ? ` (${k.asymmetricKeyDetails.namedCurve})` : ''}: use RSA or EC P-256`);
}

/** base64url(SHA-256 of the PKIX DER public key). */
export function keyId(pub: KeyObject): string {
  return b64u(createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest());
}

/** A signing key from a PEM private key. */
export function signingKeyFromPem(pem: string | Buffer): JwtSigningKey {
  const key = createPrivateKey(pem);
  return { key, alg: algOf(key), kid: keyId(createPublicKey(key)) };
}

/** Every public key in a PEM file (public keys, certificates' keys or private keys). */
export function publicKeysFromPem(pem: string): JwtPublicKey[] {
  const blocks = pem.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  const out: JwtPublicKey[] = [];
  for (const b of blocks) {
    if (/CERTIFICATE REQUEST/.test(b)) continue;
    const key = createPublicKey(b);
    out.push({ key, alg: algOf(key), kid: keyId(key) });
  }
  if (!out.length) throw new JwtError('no public key found in the PEM data');
  return out;
}

/** The public half of a signing key. */
export function publicOf(k: JwtSigningKey): JwtPublicKey {
  return { key: createPublicKey(k.key), alg: k.alg, kid: k.kid };
}

/** Signs `claims` as a compact JWS. */
export function signJwt(claims: object, k: JwtSigningKey): string {
  const head = b64u(JSON.stringify({ alg: k.alg, kid: k.kid }));
  const body = b64u(JSON.stringify(claims));
  const data = Buffer.from(`${head}.${body}`);
  const sig = k.alg === 'ES256' ? sign('sha256', data, { key: k.key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', data, k.key);
  return `${head}.${body}.${b64u(sig)}`;
}

/** True when the text has the shape of a compact JWS (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Reads the claims without verifying (to pick the issuer); throws on malformed tokens. */
export function unverifiedClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed token');
  try {
    const c = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw new Error('not an object');
    return c as Record<string, unknown>;
  } catch (err) {
    throw new JwtError(`malformed token claims: ${(err as Error).message}`);
  }
}

/**
 * Verifies the signature with the key named by `kid` (or any key when the header has none) and
 * returns the claims. The header's `alg` must match the key's; `none` and HMAC are refused.
 */
export function verifyJwt(token: string, keys: JwtPublicKey[]): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed token');
  let header: { alg?: string; kid?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string; kid?: string };
  } catch {
    throw new JwtError('malformed token header');
  }
  if (header.alg !== 'RS256' && header.alg !== 'ES256') throw new JwtError(`unsupported signing algorithm ${String(header.alg)}`);
  const candidates = keys.filter((k) => k.alg === header.alg && (!header.kid || k.kid === header.kid));
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2]!, 'base64url');
  for (const k of candidates) {
    const ok = k.alg === 'ES256' ? verify('sha256', data, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig) : verify('sha256', data, k.key, sig);
    if (ok) return unverifiedClaims(token);
  }
  throw new JwtError('invalid signature');
}
