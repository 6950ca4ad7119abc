// Label and annotation syntax (upstream `IsQualifiedName`, `IsValidLabelValue`, ValidateLabels,
// ValidateAnnotations).
import { type FieldError, type Path, invalid, tooLong } from './errors.js';
import { isDNS1123Subdomain, maxLenError, regexError } from './names.js';

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/** Upstream total annotation size limit (keys plus values), 256 KiB. */
export const TotalAnnotationSizeLimitB = 256 * 1024;

/** `[prefix/]name` with a DNS subdomain prefix and a ≤63-char name part; messages as upstream. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** A label value: empty, or ≤63 chars of alphanumerics, '-', '_', '.'. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Validates a label map; errors are reported on the map's path as upstream does. */
export function validateLabels(labels: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === undefined || labels === null) return errs;
  if (typeof labels !== 'object' || Array.isArray(labels)) return [invalid(fld, labels, 'must be a map of strings')];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(fld, k, m));
    if (typeof v !== 'string') {
      errs.push(invalid(fld, v, 'must be a string'));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(invalid(fld, v, m));
  }
  return errs;
}

/** Validates annotation keys and the total size. */
export function validateAnnotations(annotations: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (annotations === undefined || annotations === null) return errs;
  if (typeof annotations !== 'object' || Array.isArray(annotations)) return [invalid(fld, annotations, 'must be a map of strings')];
  let size = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(fld, k, m));
    if (typeof v !== 'string') errs.push(invalid(fld.key(k), v, 'must be a string'));
    else size += v.length;
    size += k.length;
  }
  if (size > TotalAnnotationSizeLimitB) errs.push(tooLong(fld, TotalAnnotationSizeLimitB));
  return errs;
}
