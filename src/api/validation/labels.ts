// Label and annotation syntax (upstream `IsQualifiedName`, `IsValidLabelValue`, ValidateLabels,
// ValidateAnnotations).
import { type FieldError, type Path, invalid, tooLong } from './errors.js';
import { validateLabelKey as isQualifiedName, validateLabelValue as isValidLabelValue } from '../labels.js';

/** Total annotation size limit (keys plus values), 256 KiB, as upstream. */
export const TotalAnnotationSizeLimitB = 256 * 1024;

/** `[prefix/]name` label keys and label values: the one implementation lives with the selectors. */
export { validateLabelKey as isQualifiedName, validateLabelValue as isValidLabelValue } from '../labels.js';

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
