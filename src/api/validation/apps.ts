// apps/v1 workload validation: Deployments, ReplicaSets, StatefulSets, DaemonSets
// (upstream apps/validation): selector vs template labels, replicas, strategies, immutable selectors.
import { type FieldError, Path, forbidden, invalid, notSupported, required } from './errors.js';
import { isInt, isObj, obj } from './json.js';
import {

  selectorIsEmpty,
  selectorMatches,
  validateEnum,
  validateImmutable,
  validateLabelSelector,
  validateNonnegative,
} from './common.js';
import { validateLabels } from './labels.js';
import { validatePodSpec } from './pod.js';
import { deepEqual } from './json.js';

/** Validates `spec.selector` + `spec.template` as the workload controllers require. */
export function validateSelectorAndTemplate(
  spec: Record<string, unknown>,
  sp: Path,
  kindWord: string,
  restartPolicies: readonly string[] | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  // 1. selector: required, non-empty, syntactically valid.
  const sel = spec.selector;
  if (sel === undefined || sel === null) errs.push(required(sp.child('selector'), ''));
  else {
    errs.push(...validateLabelSelector(sel, sp.child('selector')));
    if (selectorIsEmpty(sel)) errs.push(invalid(sp.child('selector'), sel, `empty selector is invalid for ${kindWord}`));
  }
  // 2. template: labels must match the selector, pod spec valid.
  const tp = sp.child('template');
  if (!isObj(spec.template)) {
    errs.push(required(tp, ''));
    return errs;
  }
  const tmeta = obj(spec.template.metadata);
  const labels = obj(tmeta.labels) as Record<string, string>;
  errs.push(...validateLabels(tmeta.labels, tp.child('metadata', 'labels')));
  if (sel && !selectorIsEmpty(sel) && !selectorMatches(sel, labels))
    errs.push(invalid(tp.child('metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  errs.push(...validatePodSpec(spec.template.spec, tp.child('spec')));
  const tspec = obj(spec.template.spec);
  if (restartPolicies && tspec.restartPolicy !== undefined && !restartPolicies.includes(String(tspec.restartPolicy)))
    errs.push(notSupported(tp.child('spec', 'restartPolicy'), tspec.restartPolicy, restartPolicies));
  return errs;
}

function isIntOrPercent(v: unknown): boolean {
  return isInt(v) || (typeof v === 'string' && /^\d+%$/.test(v));
}

function intOrPercentValue(v: unknown): number {
  if (isInt(v)) return v;
  return Number(String(v).replace('%', ''));
}

/** maxUnavailable / maxSurge: int or percent, non-negative, not both zero, maxUnavailable ≤ 100%. */
export function validateRollingParams(ru: Record<string, unknown>, fld: Path, allowSurge = true): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['maxUnavailable', 'maxSurge']) {
    const v = ru[k];
    if (v === undefined || v === null) continue;
    if (!isIntOrPercent(v)) {
      if (typeof v === 'number' && v < 0) errs.push(invalid(fld.child(k), v, 'must be greater than or equal to 0'));
      else errs.push(invalid(fld.child(k), v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    } else if (k === 'maxUnavailable' && typeof v === 'string' && intOrPercentValue(v) > 100)
      errs.push(invalid(fld.child(k), v, 'must not be greater than 100%'));
  }
  if (!allowSurge) return errs;
  const mu = ru.maxUnavailable;
  const ms = ru.maxSurge;
  if (mu !== undefined && ms !== undefined && isIntOrPercent(mu) && isIntOrPercent(ms) && intOrPercentValue(mu) === 0 && intOrPercentValue(ms) === 0)
    errs.push(invalid(fld.child('maxUnavailable'), mu, 'may not be 0 when maxSurge is 0'));
  return errs;
}

function replicaChecks(spec: Record<string, unknown>, sp: Path): FieldError[] {
  return [
    ...validateNonnegative(spec.replicas, sp.child('replicas')),
    ...validateNonnegative(spec.minReadySeconds, sp.child('minReadySeconds')),
    ...validateNonnegative(spec.revisionHistoryLimit, sp.child('revisionHistoryLimit')),
  ];
}

function templateDeadlineForbidden(spec: Record<string, unknown>, sp: Path, kind: string): FieldError[] {
  const ads = obj(obj(spec.template).spec).activeDeadlineSeconds;
  return ads !== undefined && ads !== null
    ? [forbidden(sp.child('template', 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`)]
    : [];
}

/** Deployments. */
export function validateDeployment(d: Record<string, unknown>): FieldError[] {
  const spec = obj(d.spec);
  const sp = new Path('spec');
  const errs = [...validateSelectorAndTemplate(spec, sp, 'deployment', ['Always']), ...replicaChecks(spec, sp)];
  errs.push(...templateDeadlineForbidden(spec, sp, 'Deployment'));
  const st = obj(spec.strategy);
  const stp = sp.child('strategy');
  errs.push(...validateEnum(st.type, ['Recreate', 'RollingUpdate'], stp.child('type'), true));
  if (st.type === 'Recreate' && st.rollingUpdate !== undefined && st.rollingUpdate !== null)
    errs.push(forbidden(stp.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  if (st.type === 'RollingUpdate') errs.push(...validateRollingParams(obj(st.rollingUpdate), stp.child('rollingUpdate')));
  errs.push(...validateNonnegative(spec.progressDeadlineSeconds, sp.child('progressDeadlineSeconds')));
  if (isInt(spec.progressDeadlineSeconds) && spec.progressDeadlineSeconds <= (isInt(spec.minReadySeconds) ? spec.minReadySeconds : 0))
    errs.push(invalid(sp.child('progressDeadlineSeconds'), spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  return errs;
}

/** ReplicaSets. */
export function validateReplicaSet(rs: Record<string, unknown>): FieldError[] {
  const spec = obj(rs.spec);
  const sp = new Path('spec');
  return [
    ...validateSelectorAndTemplate(spec, sp, 'deployment', ['Always']),
    ...replicaChecks(spec, sp),
    ...templateDeadlineForbidden(spec, sp, 'ReplicaSet'),
  ];
}

/** StatefulSets. */
export function validateStatefulSet(ss: Record<string, unknown>): FieldError[] {
  const spec = obj(ss.spec);
  const sp = new Path('spec');
  const errs = [...validateSelectorAndTemplate(spec, sp, 'statefulset', ['Always']), ...replicaChecks(spec, sp)];
  errs.push(...templateDeadlineForbidden(spec, sp, 'StatefulSet'));
  errs.push(...validateEnum(spec.podManagementPolicy, ['OrderedReady', 'Parallel'], sp.child('podManagementPolicy'), true));
  const us = obj(spec.updateStrategy);
  const up = sp.child('updateStrategy');
  errs.push(...validateEnum(us.type, ['OnDelete', 'RollingUpdate'], up.child('type'), true));
  if (us.type === 'OnDelete' && us.rollingUpdate !== undefined && us.rollingUpdate !== null)
    errs.push(invalid(up.child('rollingUpdate'), us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  if (isObj(us.rollingUpdate)) errs.push(...validateNonnegative(us.rollingUpdate.partition, up.child('rollingUpdate', 'partition')));
  const ret = obj(spec.persistentVolumeClaimRetentionPolicy);
  const rp = sp.child('persistentVolumeClaimRetentionPolicy');
  errs.push(...validateEnum(ret.whenDeleted, ['Retain', 'Delete'], rp.child('whenDeleted')));
  errs.push(...validateEnum(ret.whenScaled, ['Retain', 'Delete'], rp.child('whenScaled')));
  if (isObj(spec.ordinals)) errs.push(...validateNonnegative(spec.ordinals.start, sp.child('ordinals', 'start')));
  return errs;
}

/** DaemonSets. */
export function validateDaemonSet(ds: Record<string, unknown>): FieldError[] {
  const spec = obj(ds.spec);
  const sp = new Path('spec');
  const errs = [...validateSelectorAndTemplate(spec, sp, 'daemonset', ['Always'])];
  errs.push(...validateNonnegative(spec.minReadySeconds, sp.child('minReadySeconds')));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, sp.child('revisionHistoryLimit')));
  errs.push(...templateDeadlineForbidden(spec, sp, 'DaemonSet'));
  const us = obj(spec.updateStrategy);
  const up = sp.child('updateStrategy');
  errs.push(...validateEnum(us.type, ['OnDelete', 'RollingUpdate'], up.child('type'), true));
  if (us.type === 'RollingUpdate') {
    const ru = obj(us.rollingUpdate);
    const rp = up.child('rollingUpdate');
    errs.push(...validateRollingParams(ru, rp, false));
    // DaemonSets surge or drain, never both, and must do one of them.
    const hasUnavailable = ru.maxUnavailable !== undefined && isIntOrPercent(ru.maxUnavailable) && intOrPercentValue(ru.maxUnavailable) !== 0;
    const hasSurge = ru.maxSurge !== undefined && isIntOrPercent(ru.maxSurge) && intOrPercentValue(ru.maxSurge) !== 0;
    if (!hasUnavailable && !hasSurge) errs.push(required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
    else if (hasUnavailable && hasSurge) errs.push(invalid(rp.child('maxSurge'), String(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  }
  return errs;
}

/** Workload updates (apps/v1): the selector is immutable; StatefulSets also freeze most of the spec. */
export function validateWorkloadUpdate(resource: string, next: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const spec = obj(next.spec);
  const oldSpec = obj(old.spec);
  const sp = new Path('spec');
  const errs = validateImmutable(spec.selector, oldSpec.selector, sp.child('selector'));
  if (resource === 'statefulsets') {
    const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
    const a = { ...spec };
    const b = { ...oldSpec };
    for (const k of mutable) {
      delete a[k];
      delete b[k];
    }
    if (!deepEqual(a, b))
      errs.push(forbidden(sp, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

