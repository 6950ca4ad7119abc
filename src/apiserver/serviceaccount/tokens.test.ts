import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { signJwt, verifyJwt, signingKeyFromPem, publicOf, publicKeysFromPem, JwtError, looksLikeJwt } from './jwt.js';
import { buildClaims, checkClaims } from './claims.js';
import { ServiceAccountTokenAuthenticator } from './authenticator.js';
import { TokenEndpoints } from './endpoints.js';
import { silentLogger } from '../../util/logger.js';
import type { KubeObject } from '../../api/types/index.js';
import { StatusError } from '../errors.js';

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ecPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecPem = ecPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ISS = 'https://kubernetes.default.svc.cluster.local';

test('RS256 and ES256 sign/verify; kid; tampering, alg confusion and wrong keys fail', () => {
  for (const pem of [rsaPem, ecPem]) {
    const k = signingKeyFromPem(pem);
    const tok = signJwt({ a: 1 }, k);
    assert.ok(looksLikeJwt(tok));
    const head = JSON.parse(Buffer.from(tok.split('.')[0]!, 'base64url').toString());
    assert.deepEqual(head, { alg: k.alg, kid: k.kid });
    assert.deepEqual(verifyJwt(tok, [publicOf(k)]), { a: 1 });
    const [h, , s] = tok.split('.');
    const forged = `${h}.${Buffer.from('{"a":2}').toString('base64url')}.${s}`;
    assert.throws(() => verifyJwt(forged, [publicOf(k)]), JwtError);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${tok.split('.')[1]}.`;
    assert.throws(() => verifyJwt(none, [publicOf(k)]), /unsupported signing algorithm|malformed/);
  }
  assert.equal(signingKeyFromPem(rsaPem).alg, 'RS256');
  assert.equal(signingKeyFromPem(ecPem).alg, 'ES256');
  const other = signingKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  assert.throws(() => verifyJwt(signJwt({}, other), [publicOf(signingKeyFromPem(ecPem))]), /invalid signature/);
  // public key file: same kid as the signing key
  const pubPem = ecPair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  assert.equal(publicKeysFromPem(pubPem)[0]!.kid, signingKeyFromPem(ecPem).kid);
});

test('claims: upstream shape; issuer, audience, expiry checks', () => {
  const c = buildClaims({ issuer: ISS, audiences: ['api'], now: 1_000_000, expirationSeconds: 3600, jti: 'j', namespace: 'ns', serviceAccount: { name: 'sa', uid: 'u1' }, pod: { name: 'p', uid: 'pu' } });
  assert.deepEqual(c, { aud: ['api'], exp: 1000 + 3600, iat: 1000, iss: ISS, jti: 'j', 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa', uid: 'u1' }, pod: { name: 'p', uid: 'pu' } }, nbf: 1000, sub: 'system:serviceaccount:ns:sa' });
  const raw = c as unknown as Record<string, unknown>;
  const table: [string, { issuers: string[]; audiences: string[]; now: number }, string | undefined][] = [
    ['valid', { issuers: [ISS], audiences: ['api'], now: 1_000_000 }, undefined],
    ['other issuer', { issuers: ['x'], audiences: ['api'], now: 1_000_000 }, 'unknown issuer'],
    ['other audience', { issuers: [ISS], audiences: ['vault'], now: 1_000_000 }, 'audiences is invalid'],
    ['expired', { issuers: [ISS], audiences: ['api'], now: 4_600_000 }, 'expired'],
    ['not yet valid', { issuers: [ISS], audiences: ['api'], now: 900_000 }, 'not valid yet'],
  ];
  for (const [name, o, want] of table) {
    const r = checkClaims(raw, o);
    if (!want) assert.ok('claims' in r, name);
    else assert.match((r as { error: string }).error, new RegExp(want), name);
  }
  assert.match((checkClaims({ ...raw, sub: 'system:serviceaccount:ns:other' }, { issuers: [ISS], audiences: ['api'], now: 1_000_000 }) as { error: string }).error, /subject/);
});

test('TokenRequest → authenticator → bound pod gone → rejected; TokenReview reports it', async () => {
  let now = 5_000_000;
  const clock = { now: () => now, sleep: async () => {} } as never;
  const objs = new Map<string, KubeObject>([
    ['serviceaccounts/d/default', { metadata: { name: 'default', namespace: 'd', uid: 'sa-uid' } }],
    ['pods/d/p', { metadata: { name: 'p', namespace: 'd', uid: 'pod-uid' }, spec: { containers: [], serviceAccountName: 'default', nodeName: 'n1' } } as KubeObject],
    ['pods/d/q', { metadata: { name: 'q', namespace: 'd', uid: 'q-uid' }, spec: { containers: [], serviceAccountName: 'other' } } as KubeObject],
    ['nodes//n1', { metadata: { name: 'n1', uid: 'node-uid' } }],
  ]);
  const get = async (r: string, ns: string | undefined, n: string) => objs.get(`${r}/${ns ?? ''}/${n}`);
  const key = signingKeyFromPem(ecPem);
  const auth = new ServiceAccountTokenAuthenticator({
    keys: [publicOf(key)], issuers: [ISS], audiences: [ISS], clock, logger: silentLogger(),
    lookups: { serviceAccount: (ns, n) => get('serviceaccounts', ns, n) as never, pod: (ns, n) => get('pods', ns, n) as never, secret: (ns, n) => get('secrets', ns, n) as never },
  });
  const ep = new TokenEndpoints({ signingKey: key, issuer: ISS, audiences: [ISS], get: get as never, reviewers: () => [auth], clock, newId: () => 'jti-1' });
  const tr = await ep.tokenRequest('d', 'default', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'pod-uid' } } });
  const status = tr.status as { token: string; expirationTimestamp: string };
  assert.equal(status.expirationTimestamp, new Date(5_000_000 + 3600_000).toISOString().replace('.000Z', 'Z'));
  assert.equal((tr.spec as { expirationSeconds: number }).expirationSeconds, 3600);
  const claims = JSON.parse(Buffer.from(status.token.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(claims['kubernetes.io'], { namespace: 'd', serviceaccount: { name: 'default', uid: 'sa-uid' }, node: { name: 'n1', uid: 'node-uid' }, pod: { name: 'p', uid: 'pod-uid' } });
  const req = (t: string) => ({ headers: { authorization: `Bearer ${t}` } }) as IncomingMessage;
  const user = await auth.authenticate(req(status.token));
  assert.equal(user?.username, 'system:serviceaccount:d:default');
  assert.deepEqual(user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:d', 'system:authenticated']);
  assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-name'], ['p']);
  const review = await ep.tokenReview({ spec: { token: status.token } });
  assert.equal((review.status as { authenticated: boolean }).authenticated, true);
  // not ours: undefined
  assert.equal(await auth.authenticate(req('abc')), undefined);
  // pod deleted → rejected
  objs.delete('pods/d/p');
  assert.equal(await auth.authenticate(req(status.token)), undefined);
  const review2 = await ep.tokenReview({ spec: { token: status.token } });
  assert.equal((review2.status as { authenticated?: boolean }).authenticated, undefined);
  assert.match((review2.status as { error: string }).error, /pod d\/p has been deleted/);
  // an unbound token expires
  const plain = ((await ep.tokenRequest('d', 'default', { spec: { expirationSeconds: 600 } })).status as { token: string }).token;
  assert.ok(await auth.authenticate(req(plain)));
  now += 601_000;
  assert.equal(await auth.authenticate(req(plain)), undefined);
  // refusals
  const code = async (p: Promise<unknown>) => p.then(() => 0, (e: unknown) => (e instanceof StatusError ? e.code : -1));
  assert.equal(await code(ep.tokenRequest('d', 'nope', {})), 404);
  assert.equal(await code(ep.tokenRequest('d', 'default', { spec: { expirationSeconds: 10 } })), 422);
  assert.equal(await code(ep.tokenRequest('d', 'default', { spec: { boundObjectRef: { kind: 'Pod', name: 'q' } } })), 400);
  assert.equal(await code(ep.tokenRequest('d', 'default', { spec: { boundObjectRef: { kind: 'Pod', name: 'missing' } } })), 404);
  assert.equal(await code(ep.tokenRequest('d', 'default', { spec: { boundObjectRef: { kind: 'Deployment', name: 'x' } } })), 400);
});
