// PodSecurity admission: the namespace labels `pod-security.kubernetes.io/<mode>` (+ `-version`)
// pick a level per mode. enforce refuses violating pods (403); warn adds a `Warning` header;
// audit adds audit annotations. Workload templates are checked for warn and audit only.
import type { KubeObject, Namespace, ObjectMeta, PodSpec } from '../../../api/types/index.js';
import { errors } from '../../errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';
import type { NamespaceLookup } from '../namespace-lifecycle.js';
import { evaluate, violationText, type Level } from './checks.js';

const LABEL = 'pod-security.kubernetes.io/';
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];

/** One mode's policy: the level and the version label (for messages), or undefined when unset. */
export interface ModePolicy { level: Level; version: string }
export interface NamespacePolicy { enforce?: ModePolicy; warn?: ModePolicy; audit?: ModePolicy }

/** Reads the policy from namespace labels; unknown levels fall back to restricted, as upstream. */
export function policyFromLabels(labels: Record<string, string> | undefined): NamespacePolicy {
  const out: NamespacePolicy = {};
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    const v = labels?.[`${LABEL}${mode}`];
    if (v === undefined) continue;
    const level = (LEVELS as string[]).includes(v) ? (v as Level) : 'restricted';
    out[mode] = { level, version: labels?.[`${LABEL}${mode}-version`] || 'latest' };
  }
  return out;
}

/** Workload kinds whose pod template is checked (warn/audit), with the template's path. */
const TEMPLATES: Record<string, (o: KubeObject) => { metadata?: ObjectMeta; spec?: PodSpec } | undefined> = {
  'apps/deployments': (o) => (o.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } })?.template,
  'apps/replicasets': (o) => (o.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } })?.template,
  'apps/statefulsets': (o) => (o.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } })?.template,
  'apps/daemonsets': (o) => (o.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } })?.template,
  'batch/jobs': (o) => (o.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } })?.template,
  'batch/cronjobs': (o) => (o.spec as { jobTemplate?: { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } } })?.jobTemplate?.spec?.template,
  '/replicationcontrollers': (o) => (o.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } })?.template,
};

export class PodSecurityAdmission implements AdmissionPlugin {
  readonly name = 'PodSecurity';
  constructor(private readonly namespace: NamespaceLookup, private readonly exemptNamespaces: string[] = []) {}

  /**
   * 1. find the pod spec (pod, or a workload's template); 2. read the namespace policy;
   * 3. enforce (pods only) → 403; 4. warn → warnings; 5. audit → audit annotations.
   */
  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    if (a.subresource || !a.namespace || this.exemptNamespaces.includes(a.namespace)) return;
    // 1. what to check
    const key = `${a.resource.group}/${a.resource.resource}`;
    let meta: ObjectMeta | undefined;
    let spec: PodSpec | undefined;
    const isPod = key === '/pods';
    if (isPod) {
      if (a.operation === 'UPDATE' && JSON.stringify((a.oldObject as { spec?: unknown } | undefined)?.spec) === JSON.stringify((a.object as { spec?: unknown }).spec)) return;
      meta = a.object.metadata;
      spec = (a.object as { spec?: PodSpec }).spec;
    } else if (TEMPLATES[key]) {
      const t = TEMPLATES[key](a.object);
      if (a.operation === 'UPDATE' && a.oldObject && JSON.stringify(TEMPLATES[key](a.oldObject)) === JSON.stringify(t)) return;
      meta = t?.metadata ?? {};
      spec = t?.spec;
    }
    if (!spec?.containers) return;
    // 2. policy
    const ns = (await this.namespace(a.namespace)) as Namespace | undefined;
    const policy = policyFromLabels(ns?.metadata.labels);
    const name = (p: { level: Level; version: string }) => `${p.level}:${p.version}`;
    // 3. enforce
    if (policy.enforce && policy.enforce.level !== 'privileged') {
      const vs = evaluate(policy.enforce.level, meta ?? {}, spec);
      if (vs.length) {
        if (isPod) {
          a.auditAnnotations && (a.auditAnnotations['pod-security.kubernetes.io/enforce-policy'] = name(policy.enforce));
          throw errors.forbidden(a.resource, a.name, violationText(name(policy.enforce), vs));
        }
        // Workloads are not refused; upstream warns that their pods would be.
        if (!policy.warn || policy.warn.level !== policy.enforce.level) a.warnings?.push(violationText(name(policy.enforce), vs, 'would violate'));
      }
    }
    // 4. warn
    if (policy.warn && policy.warn.level !== 'privileged') {
      const vs = evaluate(policy.warn.level, meta ?? {}, spec);
      if (vs.length) a.warnings?.push(violationText(name(policy.warn), vs, 'would violate'));
    }
    // 5. audit
    if (policy.audit && policy.audit.level !== 'privileged') {
      const vs = evaluate(policy.audit.level, meta ?? {}, spec);
      if (vs.length && a.auditAnnotations) a.auditAnnotations['pod-security.kubernetes.io/audit-violations'] = violationText(name(policy.audit), vs, 'would violate');
    }
    if (policy.enforce && a.auditAnnotations) a.auditAnnotations['pod-security.kubernetes.io/enforce-policy'] = name(policy.enforce);
  }
}
