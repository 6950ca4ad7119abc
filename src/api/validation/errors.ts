// Field errors as upstream apimachinery `field.Error`: a machine type (metav1 CauseType), the
// field path, and a human message formatted exactly like `field.Error.ErrorBody()`.

/** metav1 CauseType values carried in a Status cause's `reason`. */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound';

/**
 * One validation failure. `field` is the JSON path (`spec.containers[0].image`); `message` is the
 * upstream ErrorBody (`Required value`, `Invalid value: "Foo": ...`); `detail` is the free text part.
 */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
  detail?: string;
}

/** A field path under construction: `child('spec').child('containers').index(0)`. */
export class Path {
  constructor(private readonly s: string = '') {}
  /** Appends `.name` (or starts the path). */
  child(...names: string[]): Path {
    let s = this.s;
    for (const n of names) s = s ? `${s}.${n}` : n;
    return new Path(s);
  }
  /** Appends `[i]`. */
  index(i: number): Path {
    return new Path(`${this.s}[${i}]`);
  }
  /** Appends `[key]` (map entries, as upstream `Key`). */
  key(k: string): Path {
    return new Path(`${this.s}[${k}]`);
  }
  toString(): string {
    return this.s;
  }
}

/** The root path helper. */
export function path(...names: string[]): Path {
  return new Path().child(...names);
}

/** Formats a bad value the way Go's ErrorBody does: strings quoted, numbers and bools bare. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function withDetail(s: string, detail?: string): string {
  return detail ? `${s}: ${detail}` : s;
}

function make(type: FieldErrorType, field: Path | string, message: string, detail?: string): FieldError {
  const e: FieldError = { type, field: String(field), message };
  if (detail) e.detail = detail;
  return e;
}

/** "Required value[: detail]". */
export function required(field: Path | string, detail = ''): FieldError {
  return make('FieldValueRequired', field, withDetail('Required value', detail), detail);
}

/** "Invalid value: <v>[: detail]". */
export function invalid(field: Path | string, value: unknown, detail = ''): FieldError {
  return make('FieldValueInvalid', field, withDetail(`Invalid value: ${formatValue(value)}`, detail), detail);
}

/** "Unsupported value: <v>: supported values: "a", "b"". */
export function notSupported(field: Path | string, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length ? `supported values: ${valid.map((x) => JSON.stringify(x)).join(', ')}` : '';
  return make('FieldValueNotSupported', field, withDetail(`Unsupported value: ${formatValue(value)}`, detail), detail);
}

/** "Duplicate value: <v>". */
export function duplicate(field: Path | string, value: unknown): FieldError {
  return make('FieldValueDuplicate', field, `Duplicate value: ${formatValue(value)}`);
}

/** "Forbidden[: detail]". */
export function forbidden(field: Path | string, detail = ''): FieldError {
  return make('FieldValueForbidden', field, withDetail('Forbidden', detail), detail);
}

/** "Too long: must have at most N bytes". */
export function tooLong(field: Path | string, maxLength: number): FieldError {
  const detail = `must have at most ${maxLength} bytes`;
  return make('FieldValueTooLong', field, withDetail('Too long', detail), detail);
}

/** "Not found: <v>" (a reference to something that does not exist). */
export function notFound(field: Path | string, value: unknown): FieldError {
  return make('FieldValueNotFound', field, `Not found: ${formatValue(value)}`);
}

/** "Invalid value: <v>: detail" with the TypeInvalid cause (a JSON value of the wrong type). */
export function typeInvalid(field: Path | string, value: unknown, detail: string): FieldError {
  return make('FieldValueTypeInvalid', field, withDetail(`Invalid value: ${formatValue(value)}`, detail), detail);
}

/** `field: message` as kubectl prints one cause. */
export function errorString(e: FieldError): string {
  return e.field ? `${e.field}: ${e.message}` : e.message;
}
