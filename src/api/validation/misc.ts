// Validation for leases, endpoint slices, priority classes and RBAC objects.
import { isIP } from 'node:net';
import { type FieldError, Path, forbidden, invalid, required } from './errors.js';
import { arr, deepEqual, isInt, obj, str } from './json.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { validateEnum, validateNonnegative, validatePortNum, validateProtocol, validatePositive } from './common.js';

/** coordination.k8s.io Leases. */
export function validateLease(l: Record<string, unknown>): FieldError[] {
  const spec = obj(l.spec);
  const sp = new Path('spec');
  return [
    ...validatePositive(spec.leaseDurationSeconds, sp.child('leaseDurationSeconds')),
    ...validateNonnegative(spec.leaseTransitions, sp.child('leaseTransitions')),
  ];
}

/** discovery.k8s.io EndpointSlices. */
export function validateEndpointSlice(es: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const at = es.addressType;
  errs.push(...validateEnum(at, ['IPv4', 'IPv6', 'FQDN'], new Path('addressType'), true));
  const eps = arr(es.endpoints);
  if (eps.length > 1000) errs.push(invalid(new Path('endpoints'), eps.length, 'must have at most 1000 items'));
  eps.forEach((e, i) => {
    const ep = obj(e);
    const p = new Path('endpoints').index(i);
    const addrs = arr(ep.addresses);
    if (addrs.length === 0) errs.push(required(p.child('addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(invalid(p.child('addresses'), addrs.length, 'must have at most 100 items'));
    addrs.forEach((a, j) => {
      const s = str(a) ?? '';
      const ap = p.child('addresses').index(j);
      if (at === 'IPv4' && isIP(s) !== 4) errs.push(invalid(ap, s, 'must be a valid IPv4 address'));
      if (at === 'IPv6' && isIP(s) !== 6) errs.push(invalid(ap, s, 'must be a valid IPv6 address'));
      if (at === 'FQDN') for (const m of isDNS1123Subdomain(s)) errs.push(invalid(ap, s, m));
    });
    const hn = str(ep.hostname);
    if (hn) for (const m of isDNS1123Label(hn)) errs.push(invalid(p.child('hostname'), hn, m));
  });
  arr(es.ports).forEach((x, i) => {
    const port = obj(x);
    const p = new Path('ports').index(i);
    const name = str(port.name);
    if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, m));
    if (port.protocol !== undefined) errs.push(...validateProtocol(port.protocol, p.child('protocol')));
    if (port.port !== undefined && port.port !== null) errs.push(...validatePortNum(port.port, p.child('port')));
  });
  return errs;
}

/** EndpointSlice update: addressType is immutable. */
export function validateEndpointSliceUpdate(es: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const errs = validateEndpointSlice(es);
  if (es.addressType !== old.addressType) errs.push(invalid(new Path('addressType'), es.addressType, 'field is immutable'));
  return errs;
}

/** Largest priority a user-defined class may have. */
export const HighestUserDefinablePriority = 1_000_000_000;
const systemClasses: Record<string, number> = { 'system-node-critical': 2_000_001_000, 'system-cluster-critical': 2_000_000_000 };

/** scheduling.k8s.io PriorityClasses. */
export function validatePriorityClass(pc: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(obj(pc.metadata).name) ?? '';
  const value = pc.value;
  if (!isInt(value)) errs.push(required(new Path('value'), ''));
  if (name in systemClasses) {
    if (value !== systemClasses[name]) errs.push(forbidden(new Path('value'), `value of system priority class ${name} must be ${systemClasses[name]}`));
  } else {
    if (name.startsWith('system-')) errs.push(forbidden(new Path('metadata').child('name'), "priority class names with 'system-' prefix are reserved"));
    if (isInt(value) && value > HighestUserDefinablePriority)
      errs.push(forbidden(new Path('value'), `maximum allowed value of a user defined priority is ${HighestUserDefinablePriority}`));
  }
  errs.push(...validateEnum(pc.preemptionPolicy, ['Never', 'PreemptLowerPriority'], new Path('preemptionPolicy')));
  return errs;
}

/** PriorityClass update: value and preemptionPolicy may not change. */
export function validatePriorityClassUpdate(pc: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const errs = validatePriorityClass(pc);
  if (pc.value !== old.value) errs.push(forbidden(new Path('value'), 'may not be changed in an update.'));
  if ((pc.preemptionPolicy ?? 'PreemptLowerPriority') !== (old.preemptionPolicy ?? 'PreemptLowerPriority'))
    errs.push(invalid(new Path('preemptionPolicy'), pc.preemptionPolicy ?? '', 'field is immutable'));
  return errs;
}

/** RBAC Role / ClusterRole rules. */
export function validateRole(role: Record<string, unknown>, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(role.rules).forEach((r, i) => {
    const rule = obj(r);
    const p = new Path('rules').index(i);
    if (arr(rule.verbs).length === 0) errs.push(required(p.child('verbs'), 'verbs must contain at least one value'));
    const nonRes = arr(rule.nonResourceURLs);
    if (nonRes.length > 0) {
      if (namespaced) errs.push(invalid(p.child('nonResourceURLs'), nonRes, 'namespaced rules cannot apply to non-resource URLs'));
      if (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0 || arr(rule.resourceNames).length > 0)
        errs.push(invalid(p.child('nonResourceURLs'), nonRes, 'rules cannot apply to both regular resources and non-resource URLs'));
      return;
    }
    if (arr(rule.apiGroups).length === 0) errs.push(required(p.child('apiGroups'), 'resource rules must supply at least one api group'));
    if (arr(rule.resources).length === 0) errs.push(required(p.child('resources'), 'resource rules must supply at least one resource'));
  });
  return errs;
}

/** RBAC RoleBinding / ClusterRoleBinding. */
export function validateRoleBinding(b: Record<string, unknown>, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = obj(b.roleRef);
  const rp = new Path('roleRef');
  errs.push(...validateEnum(ref.apiGroup, ['rbac.authorization.k8s.io'], rp.child('apiGroup'), true));
  errs.push(...validateEnum(ref.kind, namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'], rp.child('kind'), true));
  if (!str(ref.name)) errs.push(required(rp.child('name'), ''));
  arr(b.subjects).forEach((s, i) => {
    const sub = obj(s);
    const p = new Path('subjects').index(i);
    if (!str(sub.name)) errs.push(required(p.child('name'), ''));
    errs.push(...validateEnum(sub.kind, ['ServiceAccount', 'User', 'Group'], p.child('kind'), true));
    if (sub.kind === 'ServiceAccount') {
      if (sub.apiGroup !== undefined && sub.apiGroup !== '') errs.push(...validateEnum(sub.apiGroup, [''], p.child('apiGroup')));
      if (!namespaced && !str(sub.namespace)) errs.push(required(p.child('namespace'), ''));
    } else if (sub.kind === 'User' || sub.kind === 'Group') {
      errs.push(...validateEnum(sub.apiGroup, ['rbac.authorization.k8s.io'], p.child('apiGroup'), true));
    }
  });
  return errs;
}

/** Binding update: roleRef may not change. */
export function validateRoleBindingUpdate(b: Record<string, unknown>, old: Record<string, unknown>, namespaced: boolean): FieldError[] {
  const errs = validateRoleBinding(b, namespaced);
  if (!deepEqual(b.roleRef, old.roleRef)) errs.push(invalid(new Path('roleRef'), b.roleRef, 'cannot change roleRef'));
  return errs;
}
