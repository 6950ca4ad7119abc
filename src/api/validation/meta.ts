// ObjectMeta validation (upstream ValidateObjectMeta / ValidateObjectMetaUpdate).
import { type FieldError, type Path, duplicate, forbidden, invalid, required } from './errors.js';
import { arr, isObj, obj, str } from './json.js';
import { validateAnnotations, validateLabels, isQualifiedName } from './labels.js';
import { type NameValidator, isDNS1123Label, isValidPathSegmentName, isValidPathSegmentPrefix } from './names.js';

/** How a kind's metadata is checked. */
export interface MetaRules {
  /** Namespaced kinds require metadata.namespace; cluster-scoped ones forbid it. */
  namespaced: boolean;
  /** The kind's name syntax. */
  nameFn: NameValidator;
}

/** Validates metadata on create (and, minus the immutables, on update). */
export function validateObjectMeta(meta: unknown, rules: MetaRules, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(meta)) return [required(fld, '')];
  const name = str(meta.name) ?? '';
  const generateName = str(meta.generateName) ?? '';
  // 1. generateName, then name (one error per message, as upstream).
  if (generateName) {
    for (const m of rules.nameFn(generateName, true)) errs.push(invalid(fld.child('generateName'), generateName, m));
    for (const m of isValidPathSegmentPrefix(generateName)) errs.push(invalid(fld.child('generateName'), generateName, m));
  }
  if (!name) {
    if (!generateName) errs.push(required(fld.child('name'), 'name or generateName is required'));
  } else {
    const msgs = rules.nameFn(name, false);
    for (const m of msgs) errs.push(invalid(fld.child('name'), name, m));
    if (msgs.length === 0) for (const m of isValidPathSegmentName(name)) errs.push(invalid(fld.child('name'), name, m));
  }
  // 2. namespace scope.
  const ns = str(meta.namespace) ?? '';
  if (rules.namespaced) {
    if (!ns) errs.push(required(fld.child('namespace'), ''));
    else for (const m of isDNS1123Label(ns)) errs.push(invalid(fld.child('namespace'), ns, m));
  } else if (ns) {
    errs.push(forbidden(fld.child('namespace'), 'not allowed on this type'));
  }
  // 3. generation, labels, annotations, owner references, finalizers.
  if (typeof meta.generation === 'number' && meta.generation < 0)
    errs.push(invalid(fld.child('generation'), meta.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(meta.labels, fld.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, fld.child('annotations')));
  arr(meta.ownerReferences).forEach((r, i) => {
    const ref = obj(r);
    const p = fld.child('ownerReferences').index(i);
    if (!str(ref.apiVersion)) errs.push(invalid(p.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!str(ref.kind)) errs.push(invalid(p.child('kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!str(ref.name)) errs.push(invalid(p.child('name'), ref.name ?? '', 'name must not be empty'));
    if (!str(ref.uid)) errs.push(invalid(p.child('uid'), ref.uid ?? '', 'uid must not be empty'));
  });
  const seen = new Set<string>();
  arr(meta.finalizers).forEach((f, i) => {
    const p = fld.child('finalizers').index(i);
    const s = str(f) ?? '';
    for (const m of isQualifiedName(s)) errs.push(invalid(p, s, m));
    if (seen.has(s)) errs.push(duplicate(p, s));
    seen.add(s);
  });
  return errs;
}

/** On update: name, namespace, uid and creationTimestamp may not change. */
export function validateObjectMetaUpdate(meta: unknown, old: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  const n = obj(meta);
  const o = obj(old);
  for (const k of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    if (o[k] !== undefined && n[k] !== undefined && n[k] !== o[k]) errs.push(invalid(fld.child(k), n[k], 'field is immutable'));
  }
  return errs;
}
