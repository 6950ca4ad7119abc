// Scheduling constraints of a PodSpec (upstream validateAffinity, validateTopologySpreadConstraints):
// node selector requirement operators, affinity weights and topology keys, spread constraints.
import { type FieldError, type Path, duplicate, forbidden, invalid, notSupported, required } from './errors.js';
import { arr, isInt, isObj, obj, str } from './json.js';
import { isQualifiedName } from './labels.js';
import { validateLabelSelector } from './common.js';

function validateNodeSelectorRequirement(r: unknown, fld: Path): FieldError[] {
  const req = obj(r);
  const errs: FieldError[] = [];
  const values = arr(req.values);
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(fld.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(fld.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(fld.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(fld.child('operator'), req.operator ?? '', 'not a valid selector operator'));
  }
  const key = str(req.key) ?? '';
  for (const m of isQualifiedName(key)) errs.push(invalid(fld.child('key'), key, m));
  return errs;
}

function validateNodeSelectorTerm(t: unknown, fld: Path): FieldError[] {
  const term = obj(t);
  const errs: FieldError[] = [];
  arr(term.matchExpressions).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, fld.child('matchExpressions').index(i))));
  arr(term.matchFields).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, fld.child('matchFields').index(i))));
  return errs;
}

function validateWeight(w: unknown, fld: Path): FieldError[] {
  return isInt(w) && w >= 1 && w <= 100 ? [] : [invalid(fld, w ?? null, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(t: unknown, fld: Path): FieldError[] {
  const term = obj(t);
  const errs = [...validateLabelSelector(term.labelSelector, fld.child('labelSelector')), ...validateLabelSelector(term.namespaceSelector, fld.child('namespaceSelector'))];
  const key = str(term.topologyKey) ?? '';
  if (!key) errs.push(required(fld.child('topologyKey'), 'can not be empty'));
  else for (const m of isQualifiedName(key)) errs.push(invalid(fld.child('topologyKey'), key, m));
  return errs;
}

/** Validates `affinity`. */
export function validateAffinity(a: unknown, fld: Path): FieldError[] {
  if (!isObj(a)) return [];
  const errs: FieldError[] = [];
  const na = obj(a.nodeAffinity);
  const np = fld.child('nodeAffinity');
  if (isObj(na.requiredDuringSchedulingIgnoredDuringExecution)) {
    const rp = np.child('requiredDuringSchedulingIgnoredDuringExecution');
    const terms = arr(na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms);
    if (terms.length === 0) errs.push(required(rp.child('nodeSelectorTerms'), 'must have at least one node selector term'));
    terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, rp.child('nodeSelectorTerms').index(i))));
  }
  arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
    const pp = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    errs.push(...validateWeight(obj(p).weight, pp.child('weight')));
    errs.push(...validateNodeSelectorTerm(obj(p).preference, pp.child('preference')));
  });
  for (const k of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = obj(a[k]);
    const kp = fld.child(k);
    arr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, kp.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
    );
    arr(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((w, i) => {
      const wp = kp.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(obj(w).weight, wp.child('weight')));
      errs.push(...validatePodAffinityTerm(obj(w).podAffinityTerm, wp.child('podAffinityTerm')));
    });
  }
  return errs;
}

/** Validates `topologySpreadConstraints`. */
export function validateTopologySpreadConstraints(list: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(list).forEach((x, i) => {
    const c = obj(x);
    const p = fld.index(i);
    if (!isInt(c.maxSkew) || c.maxSkew <= 0) errs.push(invalid(p.child('maxSkew'), c.maxSkew ?? null, 'must be greater than zero'));
    const key = str(c.topologyKey) ?? '';
    if (!key) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    else for (const m of isQualifiedName(key)) errs.push(invalid(p.child('topologyKey'), key, m));
    const when = c.whenUnsatisfiable;
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') errs.push(notSupported(p.child('whenUnsatisfiable'), when ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    const id = `{${key}, ${String(when)}}`;
    if (seen.has(id)) errs.push(duplicate(p, id));
    seen.add(id);
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (!isInt(c.minDomains) || c.minDomains <= 0) errs.push(invalid(p.child('minDomains'), c.minDomains, 'must be greater than 0'));
      else if (when !== 'DoNotSchedule') errs.push(invalid(p.child('minDomains'), c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ' + String(when)));
    }
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}
