// Container resource requirements (upstream ValidateResourceRequirements): names, quantity
// syntax, non-negative values, requests ≤ limits.
import { type FieldError, type Path, invalid } from './errors.js';
import { obj } from './json.js';
import { isQualifiedName } from './labels.js';
import { QUANTITY_FORMAT_REGEX as quantityRegexText, quantityValueOrUndefined as parseQuantityValue } from '../quantity.js';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isContainerResourceName(name: string): boolean {
  return standardContainerResources.has(name) || name.startsWith('hugepages-') || (name.includes('/') && !name.startsWith('kubernetes.io/'));
}

/** Validates one quantity map value; returns the parsed value when valid. */
export function validateQuantity(v: unknown, fld: Path, errs: FieldError[]): number | undefined {
  const q = parseQuantityValue(v);
  if (q === undefined) {
    errs.push(invalid(fld, v, `quantities must match the regular expression '${quantityRegexText}'`));
    return undefined;
  }
  if (q < 0) {
    errs.push(invalid(fld, v, 'must be greater than or equal to 0'));
    return undefined;
  }
  return q;
}

/** A ResourceList (name → quantity) with container resource names. */
export function validateResourceList(list: unknown, fld: Path, containerNames: boolean): Map<string, number> {
  return validateResourceListInto(list, fld, containerNames, []);
}

function validateResourceListInto(list: unknown, fld: Path, containerNames: boolean, errs: FieldError[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(obj(list))) {
    const p = fld.key(k);
    for (const m of isQualifiedName(k)) errs.push(invalid(p, k, m));
    if (containerNames && !isContainerResourceName(k)) errs.push(invalid(p, k, 'must be a standard resource for containers'));
    const q = validateQuantity(v, p, errs);
    if (q !== undefined) out.set(k, q);
  }
  return out;
}

/** A plain ResourceList (quota/limit range): qualified names and non-negative quantities. */
export function validateResourceQuantities(list: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  validateResourceListInto(list, fld, false, errs);
  return errs;
}

/** `resources` of a container. */
export function validateResourceRequirements(res: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  const r = obj(res);
  const limits = validateResourceListInto(r.limits, fld.child('limits'), true, errs);
  const requests = validateResourceListInto(r.requests, fld.child('requests'), true, errs);
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim !== undefined && req > lim + 1e-9 * Math.abs(lim)) {
      const limText = String(obj(r.limits)[name]);
      errs.push(invalid(fld.child('requests').key(name), obj(r.requests)[name], `must be less than or equal to ${name} limit of ${limText}`));
    }
    if (name.startsWith('hugepages-') && lim === undefined) errs.push(invalid(fld.child('limits'), '', 'HugePages require cpu or memory'));
  }
  return errs;
}
