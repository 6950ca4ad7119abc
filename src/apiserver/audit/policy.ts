// Audit policy (audit.k8s.io/v1 Policy): the first rule that matches a request decides its
// level (None, Metadata, Request, RequestResponse) and the stages left out.
import { parse as parseYaml } from 'yaml';
import type { UserInfo } from '../admission/interface.js';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export interface GroupResources { group?: string; resources?: string[]; resourceNames?: string[] }

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
}

/** What the policy needs to know about a request. */
export interface AuditRequest {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const LEVELS: AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

export class AuditPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditPolicyError';
  }
}

/** Parses the YAML/JSON text of a Policy. */
export function parseAuditPolicy(text: string): AuditPolicy {
  const doc = parseYaml(text) as { apiVersion?: string; kind?: string; rules?: PolicyRule[]; omitStages?: AuditStage[] } | null;
  if (!doc || doc.kind !== 'Policy') throw new AuditPolicyError('kind must be Policy');
  if (!['audit.k8s.io/v1', 'audit.k8s.io/v1beta1'].includes(String(doc.apiVersion))) throw new AuditPolicyError(`unsupported apiVersion ${String(doc.apiVersion)}`);
  const rules = doc.rules ?? [];
  rules.forEach((r, i) => {
    if (!LEVELS.includes(r.level)) throw new AuditPolicyError(`rules[${i}].level: Unsupported value: "${String(r.level)}"`);
    if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length)) throw new AuditPolicyError(`rules[${i}]: rules cannot apply to both regular resources and non-resource URLs`);
  });
  return { rules, omitStages: doc.omitStages };
}

function matchResource(gr: GroupResources, req: AuditRequest): boolean {
  if ((gr.group ?? '') !== req.group && gr.group !== '*') return false;
  if (gr.resources?.length) {
    const full = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    const ok = gr.resources.some((p) => p === '*' || p === full || (p.endsWith('/*') && p.slice(0, -2) === req.resource && !!req.subresource) || (p.startsWith('*/') && p.slice(2) === req.subresource));
    if (!ok) return false;
  }
  if (gr.resourceNames?.length && !(req.name && gr.resourceNames.includes(req.name))) return false;
  return true;
}

/** True when every condition of the rule holds for the request. */
export function ruleMatches(r: PolicyRule, req: AuditRequest): boolean {
  if (r.users?.length && !r.users.includes(req.user.username)) return false;
  if (r.userGroups?.length && !r.userGroups.some((g) => req.user.groups.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(req.verb)) return false;
  if (r.nonResourceURLs?.length) {
    if (req.isResourceRequest) return false;
    return r.nonResourceURLs.some((u) => (u.endsWith('*') ? req.path.startsWith(u.slice(0, -1)) : req.path === u));
  }
  if (r.resources?.length || r.namespaces?.length) {
    if (!req.isResourceRequest) return false;
    if (r.namespaces?.length && !r.namespaces.includes(req.namespace ?? '')) return false;
    if (r.resources?.length && !r.resources.some((gr) => matchResource(gr, req))) return false;
  }
  return true;
}

/** The level and omitted stages for a request (None when no rule matches). */
export function levelFor(p: AuditPolicy, req: AuditRequest): { level: AuditLevel; omitStages: AuditStage[] } {
  const rule = p.rules.find((r) => ruleMatches(r, req));
  if (!rule || rule.level === 'None') return { level: 'None', omitStages: [] };
  return { level: rule.level, omitStages: [...(p.omitStages ?? []), ...(rule.omitStages ?? [])] };
}

/** True when `level` records at least `min`. */
export function atLeast(level: AuditLevel, min: AuditLevel): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}
