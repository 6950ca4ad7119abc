// Small rule helpers shared by the per-kind validators (upstream ValidateNonnegativeField,
// port and protocol checks, label selector validation, immutable fields).
import type { FieldError, Path } from './errors.js';
import { forbidden, invalid, notSupported, required, typeInvalid } from './errors.js';
import { deepEqual, isInt, isObj, obj, arr, str } from './json.js';
import { isQualifiedName, isValidLabelValue, validateLabels } from './labels.js';

/** Upstream's immutable-field message. */
export const fieldImmutable = 'field is immutable';

/** Protocols accepted for ports. */
export const supportedProtocols = ['SCTP', 'TCP', 'UDP'] as const;

/** A non-negative integer (when set). */
export function validateNonnegative(v: unknown, fld: Path): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!isInt(v)) return [typeInvalid(fld, v, 'expected integer')];
  return v < 0 ? [invalid(fld, v, 'must be greater than or equal to 0')] : [];
}

/** A strictly positive integer (when set). */
export function validatePositive(v: unknown, fld: Path): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!isInt(v)) return [typeInvalid(fld, v, 'expected integer')];
  return v <= 0 ? [invalid(fld, v, 'must be greater than 0')] : [];
}

/** 1..65535, as upstream `IsValidPortNum`. */
export function validatePortNum(v: unknown, fld: Path): FieldError[] {
  if (!isInt(v) || v < 1 || v > 65535) return [invalid(fld, v, 'must be between 1 and 65535, inclusive')];
  return [];
}

/** Upstream `IsValidPortName` (IANA_SVC_NAME) messages. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** An IntOrString port: a number in range or a valid port name. */
export function validatePortNumOrName(v: unknown, fld: Path): FieldError[] {
  if (typeof v === 'number') return validatePortNum(v, fld);
  if (typeof v === 'string') return isValidPortName(v).map((m) => invalid(fld, v, m));
  return [required(fld, '')];
}

/** A port protocol: required (after defaulting) and one of SCTP/TCP/UDP. */
export function validateProtocol(v: unknown, fld: Path): FieldError[] {
  if (v === undefined || v === '') return [required(fld, '')];
  if (!(supportedProtocols as readonly unknown[]).includes(v)) return [notSupported(fld, v, supportedProtocols)];
  return [];
}

/** An enum value: NotSupported when set to something else; Required when `req` and empty. */
export function validateEnum(v: unknown, valid: readonly string[], fld: Path, req = false): FieldError[] {
  if (v === undefined || v === null || v === '') return req ? [required(fld, '')] : [];
  return valid.includes(v as string) ? [] : [notSupported(fld, v, valid)];
}

/** A metav1.LabelSelector's syntax (upstream ValidateLabelSelector). */
export function validateLabelSelector(sel: unknown, fld: Path): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isObj(sel)) return [typeInvalid(fld, sel, 'expected object')];
  const errs: FieldError[] = [];
  arr(sel.matchExpressions).forEach((r, i) => {
    const req = obj(r);
    const p = fld.child('matchExpressions').index(i);
    const op = str(req.operator);
    const values = arr(req.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(p.child('values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(p.child('operator'), req.operator ?? '', 'not a valid selector operator'));
    }
    const key = str(req.key) ?? '';
    for (const m of isQualifiedName(key)) errs.push(invalid(p.child('key'), key, m));
    values.forEach((v, j) => {
      const s = str(v) ?? '';
      for (const m of isValidLabelValue(s)) errs.push(invalid(p.child('values').index(j), s, m));
    });
  });
  errs.push(...validateLabels(sel.matchLabels, fld.child('matchLabels')));
  return errs;
}

/** True when a selector selects nothing or everything is unset (no labels, no expressions). */
export function selectorIsEmpty(sel: unknown): boolean {
  const s = obj(sel);
  return Object.keys(obj(s.matchLabels)).length === 0 && arr(s.matchExpressions).length === 0;
}

/** Evaluates a metav1.LabelSelector against labels (used for "selector does not match template labels"). */
export function selectorMatches(sel: unknown, labels: Record<string, string>): boolean {
  const s = obj(sel);
  for (const [k, v] of Object.entries(obj(s.matchLabels))) if (labels[k] !== v) return false;
  for (const r of arr(s.matchExpressions)) {
    const req = obj(r);
    const key = str(req.key) ?? '';
    const values = arr(req.values).map((v) => String(v));
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `field is immutable` when `next` differs from `prev`. */
export function validateImmutable(next: unknown, prev: unknown, fld: Path): FieldError[] {
  return deepEqual(next, prev) ? [] : [invalid(fld, next ?? null, fieldImmutable)];
}
