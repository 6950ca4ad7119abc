// The two token endpoints: `serviceaccounts/<name>/token` (TokenRequest, authentication.k8s.io/v1)
// and `tokenreviews` (TokenReview). Neither is stored; both answer 201 with the filled-in object.
import { randomUUID } from 'node:crypto';
import type { KubeObject, Pod, Secret, ServiceAccount } from '../../api/types/index.js';
import type { Clock } from '../../util/clock.js';
import { rfc3339 } from '../../util/clock.js';
import { errors } from '../errors.js';
import { buildClaims } from './claims.js';
import { signJwt, type JwtSigningKey } from './jwt.js';
import type { TokenAuthenticator } from './authenticator.js';

/** Reads an object of a core/v1 resource from storage; undefined when absent. */
export type CoreGetter = (resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string | undefined, name: string) => Promise<KubeObject | undefined>;

export interface TokenEndpointsOptions {
  signingKey: JwtSigningKey;
  issuer: string;
  /** Default audiences (`--api-audiences`, else the issuer). */
  audiences: string[];
  /** Longest token handed out (`--service-account-max-token-expiration`), seconds. */
  maxExpirationSeconds?: number;
  get: CoreGetter;
  /** Authenticators consulted by TokenReview, in order. */
  reviewers: () => TokenAuthenticator[];
  clock: Clock;
  newId?: () => string;
}

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
}

const GROUP = 'authentication.k8s.io';
const TR = { group: GROUP, resource: 'tokenrequests' };
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;

export class TokenEndpoints {
  constructor(private readonly o: TokenEndpointsOptions) {}

  /**
   * TokenRequest: 1. validate the spec; 2. the service account exists; 3. the bound object exists
   * (uid as given, pod runs as this account); 4. sign; 5. answer with status.token + expiry.
   */
  async tokenRequest(namespace: string, saName: string, body: Record<string, unknown>): Promise<KubeObject> {
    // 1. spec
    const spec = ((body.spec ?? {}) as TokenRequestSpec);
    const exp = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    if (typeof exp !== 'number' || !Number.isInteger(exp)) throw errors.badRequest('spec.expirationSeconds must be an integer');
    if (exp < MIN_EXPIRATION_SECONDS) throw errors.invalid('TokenRequest', GROUP, saName, [{ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${exp}: may not specify a duration less than 10 minutes` }]);
    if (exp > 2 ** 32) throw errors.invalid('TokenRequest', GROUP, saName, [{ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${exp}: may not specify a duration larger than 2^32 seconds` }]);
    const lifetime = Math.min(exp, this.o.maxExpirationSeconds ?? Number.MAX_SAFE_INTEGER);
    const audiences = spec.audiences?.length ? spec.audiences.map(String) : this.o.audiences;
    // 2. service account
    const sa = (await this.o.get('serviceaccounts', namespace, saName)) as ServiceAccount | undefined;
    if (!sa) throw errors.notFound({ group: '', resource: 'serviceaccounts' }, saName);
    // 3. bound object
    const ref = spec.boundObjectRef;
    let pod: { name: string; uid: string } | undefined;
    let secret: { name: string; uid: string } | undefined;
    let node: { name: string; uid: string } | undefined;
    if (ref) {
      if (ref.apiVersion && ref.apiVersion !== 'v1') throw errors.badRequest(`cannot bind token to object of type ${ref.apiVersion}`);
      if (ref.kind !== 'Pod' && ref.kind !== 'Secret') throw errors.badRequest(`cannot bind token for serviceaccount "${saName}" to object of kind "${String(ref.kind)}"`);
      const name = String(ref.name ?? '');
      const obj = await this.o.get(ref.kind === 'Pod' ? 'pods' : 'secrets', namespace, name);
      if (!obj) throw errors.notFound({ group: '', resource: ref.kind === 'Pod' ? 'pods' : 'secrets' }, name);
      if (ref.uid && ref.uid !== obj.metadata.uid) {
        throw errors.conflict(TR, saName, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      if (ref.kind === 'Pod') {
        const p = obj as Pod;
        const runsAs = p.spec.serviceAccountName || 'default';
        if (runsAs !== saName) throw errors.badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
        pod = { name, uid: obj.metadata.uid! };
        if (p.spec.nodeName) {
          const n = await this.o.get('nodes', undefined, p.spec.nodeName);
          if (n) node = { name: p.spec.nodeName, uid: n.metadata.uid! };
        }
      } else {
        secret = { name, uid: (obj as Secret).metadata.uid! };
      }
    }
    // 4. sign
    const now = this.o.clock.now();
    const claims = buildClaims({
      issuer: this.o.issuer, audiences, now, expirationSeconds: lifetime, jti: (this.o.newId ?? randomUUID)(),
      namespace, serviceAccount: { name: saName, uid: sa.metadata.uid! }, pod, secret, node,
    });
    const token = signJwt(claims, this.o.signingKey);
    // 5. answer
    return {
      kind: 'TokenRequest',
      apiVersion: `${GROUP}/v1`,
      metadata: { name: saName, namespace, creationTimestamp: null as unknown as string },
      spec: { audiences, expirationSeconds: lifetime, boundObjectRef: ref ?? null },
      status: { token, expirationTimestamp: rfc3339(claims.exp * 1000) },
    };
  }

  /** TokenReview: the first authenticator that knows the token decides. */
  async tokenReview(body: Record<string, unknown>): Promise<KubeObject> {
    const spec = (body.spec ?? {}) as { token?: unknown; audiences?: unknown };
    if (typeof spec.token !== 'string' || !spec.token) {
      throw errors.invalid('TokenReview', GROUP, '', [{ reason: 'FieldValueRequired', field: 'spec.token', message: 'Required value: token must not be empty' }]);
    }
    const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : undefined;
    let status: Record<string, unknown> = { user: {} };
    for (const a of this.o.reviewers()) {
      const r = await a.authenticateToken(spec.token, audiences);
      if (!r) continue;
      if ('error' in r) {
        status = { user: {}, error: r.error };
        continue;
      }
      status = { authenticated: true, user: { username: r.user.username, uid: r.user.uid, groups: r.user.groups, extra: r.user.extra }, audiences: r.audiences };
      break;
    }
    const meta = (body.metadata ?? {}) as Record<string, unknown>;
    return { kind: 'TokenReview', apiVersion: `${GROUP}/v1`, metadata: { ...meta, creationTimestamp: null as unknown as string }, spec: { token: spec.token, ...(audiences ? { audiences } : {}) }, status } as KubeObject;
  }
}
