// Authentication and authorization of the kubelet's HTTPS endpoint, as upstream's kubelet with
// anonymous off and webhook authorization: the client certificate names the user, and the
// apiserver decides with a SubjectAccessReview on `nodes/<subresource>` of this node.
import type { IncomingMessage } from 'node:http';
import type { Clientset } from '../client/interfaces.js';
import type { KubeObject } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import { X509Authenticator } from '../apiserver/authn/x509.js';

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

export function authenticateKubeletCaller(req: IncomingMessage): Promise<KubeletCaller | undefined> {
  return new X509Authenticator().authenticate(req);
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
