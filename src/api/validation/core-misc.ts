// Validation for the smaller core/v1 kinds: namespaces, nodes, events, service accounts,
// limit ranges and resource quotas.
import { isIP } from 'node:net';
import { type FieldError, Path, duplicate, invalid, required } from './errors.js';
import { arr, isObj, obj, str } from './json.js';
import { isQualifiedName } from './labels.js';
import { validateEnum, validateNonnegative } from './common.js';
import { validateResourceQuantities } from './pod-resources.js';
import { quantityValueOrUndefined as parseQuantityValue } from '../quantity.js';

/** Namespaces: spec.finalizers must be qualified names. */
export function validateNamespace(ns: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  arr(obj(ns.spec).finalizers).forEach((f, i) => {
    const s = str(f) ?? '';
    for (const m of isQualifiedName(s)) errs.push(invalid(new Path('spec').child('finalizers').index(i), s, m));
  });
  return errs;
}

function isCIDR(s: string): boolean {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || !ip || bits === undefined || !/^\d+$/.test(bits)) return false;
  const fam = isIP(ip);
  return fam !== 0 && Number(bits) <= (fam === 4 ? 32 : 128);
}

/** Nodes: taints (key, effect, no duplicate key+effect), pod CIDRs. */
export function validateNode(node: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(node.spec);
  const seen = new Set<string>();
  arr(spec.taints).forEach((t, i) => {
    const taint = obj(t);
    const p = new Path('spec').child('taints').index(i);
    const key = str(taint.key) ?? '';
    for (const m of isQualifiedName(key)) errs.push(invalid(p.child('key'), key, m));
    errs.push(...validateEnum(taint.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], p.child('effect'), true));
    const id = `${key}:${String(taint.effect)}`;
    if (seen.has(id)) errs.push(duplicate(p, `${key}=${String(taint.value ?? '')}:${String(taint.effect)}`));
    seen.add(id);
  });
  const cidrs = [...(str(spec.podCIDR) ? [spec.podCIDR] : []), ...arr(spec.podCIDRs)];
  cidrs.forEach((c, i) => {
    if (!isCIDR(String(c))) errs.push(invalid(new Path('spec').child('podCIDRs').index(i), c, 'must be a valid CIDR'));
  });
  return errs;
}

/** core/v1 Events (and events.k8s.io/v1 when `apiVersion` says so). */
export function validateEvent(ev: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(obj(ev.metadata).namespace) ?? '';
  if (ev.apiVersion === 'events.k8s.io/v1') {
    for (const k of ['reportingController', 'reportingInstance', 'action', 'reason']) if (!str(ev[k])) errs.push(required(new Path(k), ''));
    if (!str(ev.eventTime)) errs.push(required(new Path('eventTime'), ''));
    const rns = str(obj(ev.regarding).namespace);
    if (rns && ns && rns !== ns) errs.push(invalid(new Path('regarding').child('namespace'), rns, 'does not match event.namespace'));
  } else {
    const io = obj(ev.involvedObject);
    const ions = str(io.namespace);
    if (ions && ns && ions !== ns) errs.push(invalid(new Path('involvedObject').child('namespace'), ions, 'does not match event.namespace'));
  }
  errs.push(...validateEnum(ev.type, ['Normal', 'Warning'], new Path('type')));
  errs.push(...validateNonnegative(ev.count, new Path('count')));
  return errs;
}

/** ServiceAccounts: referenced secrets need names. */
export function validateServiceAccount(sa: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  arr(sa.imagePullSecrets).forEach((s, i) => {
    if (!str(obj(s).name)) errs.push(required(new Path('imagePullSecrets').index(i).child('name'), ''));
  });
  return errs;
}

const limitTypes = ['Container', 'Pod', 'PersistentVolumeClaim'];
const quotaScopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

/** LimitRanges: item types, quantities, min ≤ default ≤ max. */
export function validateLimitRange(lr: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const lp = new Path('spec').child('limits');
  arr(obj(lr.spec).limits).forEach((x, i) => {
    const item = obj(x);
    const p = lp.index(i);
    errs.push(...validateEnum(item.type, limitTypes, p.child('type'), true));
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) errs.push(...validateResourceQuantities(item[k], p.child(k)));
    if (item.type === 'Pod') {
      if (isObj(item.default) && Object.keys(item.default).length) errs.push(invalid(p.child('default'), item.default, 'may not be specified when `type` is \'Pod\''));
    }
    for (const [name, minV] of Object.entries(obj(item.min))) {
      const maxV = obj(item.max)[name];
      const a = parseQuantityValue(minV);
      const b = parseQuantityValue(maxV);
      if (a !== undefined && b !== undefined && a > b)
        errs.push(invalid(p.child('min').key(name), minV, `min value ${String(minV)} is greater than max value ${String(maxV)}`));
    }
  });
  return errs;
}

/** ResourceQuotas: quantities and scopes. */
export function validateResourceQuota(rq: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(rq.spec);
  errs.push(...validateResourceQuantities(spec.hard, new Path('spec').child('hard')));
  arr(spec.scopes).forEach((s, i) => errs.push(...validateEnum(s, quotaScopes, new Path('spec').child('scopes').index(i), true)));
  errs.push(...validateScopeSelector(obj(spec.scopeSelector)));
  return errs;
}

/** spec.scopeSelector as upstream: known scopes, Exists for the QoS/deadline scopes, values only with In/NotIn, no conflicting pair. */
function validateScopeSelector(sel: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const p = new Path('spec').child('scopeSelector').child('matchExpressions');
  const seen = new Set<string>();
  for (const raw of arr(sel.matchExpressions)) {
    const req = obj(raw);
    const scope = str(req.scopeName) ?? '';
    const op = str(req.operator) ?? '';
    const values = arr(req.values);
    if (!quotaScopes.includes(scope)) errs.push(invalid(p.child('scopeName'), scope, 'unsupported scope'));
    if (scope !== 'PriorityClass' && quotaScopes.includes(scope) && op !== 'Exists') {
      errs.push(invalid(p.child('operator'), op, "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
    }
    if (op === 'In' || op === 'NotIn') {
      if (!values.length) errs.push(required(p.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length) errs.push(invalid(p.child('values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else errs.push(invalid(p.child('operator'), op, 'not a valid selector operator'));
    seen.add(scope);
  }
  for (const [a, b] of [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']]) {
    if (seen.has(a!) && seen.has(b!)) errs.push(invalid(p, sel.matchExpressions, 'conflicting scopes'));
  }
  return errs;
}
