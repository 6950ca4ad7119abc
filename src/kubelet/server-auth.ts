// Authentication and authorization of the kubelet's HTTPS endpoint, as upstream's kubelet with
// anonymous off and webhook authentication and authorization: a client certificate names the
// user, else a bearer token (service-account JWT, static token) is checked by the apiserver's
// TokenReview; the apiserver then decides with a SubjectAccessReview on `nodes/<subresource>`.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clientset } from '../client/interfaces.js';
import type { KubeObject } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import { X509Authenticator } from '../apiserver/authn/x509.js';
import { bearerToken } from '../apiserver/authn/bearer.js';

/** Who is calling (from the client certificate). */
export interface KubeletCaller {
  username: string;
  groups: string[];
}

/** The `nodes` attributes a request on the kubelet's port is authorized as. */
export interface KubeletAttributes {
  verb: string;
  subresource: string;
}

const VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** Path → nodes subresource: /stats → stats, /metrics → metrics, /logs → log, /spec → spec, everything else → proxy. */
export function kubeletAttributes(method: string, path: string): KubeletAttributes {
  const verb = VERBS[method] ?? method.toLowerCase();
  const first = path.split('/')[1] ?? '';
  const sub: Record<string, string> = { stats: 'stats', metrics: 'metrics', logs: 'log', spec: 'spec', checkpoint: 'checkpoint' };
  return { verb, subresource: sub[first] ?? 'proxy' };
}

/** Contract: the caller of a request, or undefined when it presented no credential the kubelet accepts (401). */
export interface KubeletAuthenticator {
  authenticate(req: IncomingMessage): Promise<KubeletCaller | undefined>;
}

const TOKEN_REVIEW = { group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', kind: 'TokenReview', namespaced: false };

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; groups?: string[] };
}

/**
 * Client certificate first; otherwise the bearer token, reviewed by the apiserver (TokenReview,
 * no audiences: the apiserver's own). Answers are cached by the token's SHA-256 (accepted 2 min
 * as upstream's default cache TTL, refused 10 s), so a burst of requests costs one review.
 */
export class DelegatingKubeletAuthenticator implements KubeletAuthenticator {
  private readonly x509 = new X509Authenticator();
  private readonly cache = new Map<string, { caller: KubeletCaller | undefined; until: number }>();
  constructor(private readonly o: { clientset: Clientset; clock: Clock; successTtlMs?: number; failureTtlMs?: number }) {}

  async authenticate(req: IncomingMessage): Promise<KubeletCaller | undefined> {
    const cert = await this.x509.authenticate(req);
    if (cert) return { username: cert.username, groups: cert.groups };
    const token = bearerToken(req);
    return token ? this.review(token) : undefined;
  }

  private async review(token: string): Promise<KubeletCaller | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.o.clock.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.caller;
    let review: KubeObject & { status?: TokenReviewStatus };
    try {
      review = (await this.o.clientset.resource(TOKEN_REVIEW).create(undefined, {
        apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token },
      } as KubeObject)) as KubeObject & { status?: TokenReviewStatus };
    } catch {
      return undefined; // apiserver unreachable or refusing: 401 now, not cached
    }
    const st = review.status;
    const caller = st?.authenticated && st.user?.username ? { username: st.user.username, groups: st.user.groups ?? [] } : undefined;
    this.cache.set(key, { caller, until: now + (caller ? (this.o.successTtlMs ?? 120_000) : (this.o.failureTtlMs ?? 10_000)) });
    if (this.cache.size > 1000) this.cache.clear();
    return caller;
  }
}

/** Contract: true when `caller` may do `attrs` on this node. */
export interface KubeletAuthorizer {
  authorize(caller: KubeletCaller, attrs: KubeletAttributes): Promise<boolean>;
}

const SAR = { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false };

/** Asks the apiserver (SubjectAccessReview), caching answers: allowed 5 min, denied 30 s, as upstream. */
export class SarKubeletAuthorizer implements KubeletAuthorizer {
  private readonly cache = new Map<string, { allowed: boolean; until: number }>();
  constructor(private readonly o: { clientset: Clientset; nodeName: string; clock: Clock }) {}

  async authorize(caller: KubeletCaller, attrs: KubeletAttributes): Promise<boolean> {
    const key = JSON.stringify([caller.username, [...caller.groups].sort(), attrs.verb, attrs.subresource]);
    const now = this.o.clock.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.allowed;
    const review = (await this.o.clientset.resource(SAR).create(undefined, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: { user: caller.username, groups: caller.groups, resourceAttributes: { verb: attrs.verb, resource: 'nodes', subresource: attrs.subresource, name: this.o.nodeName } },
    } as KubeObject)) as KubeObject & { status?: { allowed?: boolean } };
    const allowed = review.status?.allowed === true;
    this.cache.set(key, { allowed, until: now + (allowed ? 300_000 : 30_000) });
    if (this.cache.size > 1000) this.cache.clear();
    return allowed;
  }
}
