// A compact schema language for the known fields of each kind: enough to find unknown fields
// (fieldValidation=Strict) and to render an OpenAPI v3 schema tree for `kubectl explain`.

/** A node of the field schema. */
export type FieldSchema =
  | { kind: 'string' | 'integer' | 'number' | 'boolean' | 'any' | 'int-or-string' | 'quantity' | 'date-time'; description?: string }
  | { kind: 'object'; properties: Record<string, FieldSchema>; description?: string }
  | { kind: 'array'; items: FieldSchema; description?: string }
  | { kind: 'map'; values: FieldSchema; description?: string };

export const str: FieldSchema = { kind: 'string' };
export const int: FieldSchema = { kind: 'integer' };
export const num: FieldSchema = { kind: 'number' };
export const bool: FieldSchema = { kind: 'boolean' };
/** Any JSON value (not checked further; rendered with x-kubernetes-preserve-unknown-fields). */
export const open: FieldSchema = { kind: 'any' };
export const intstr: FieldSchema = { kind: 'int-or-string' };
export const quantity: FieldSchema = { kind: 'quantity' };
export const time: FieldSchema = { kind: 'date-time' };

/** An object with the given known properties. */
export function o(properties: Record<string, FieldSchema>, description?: string): FieldSchema {
  return description ? { kind: 'object', properties, description } : { kind: 'object', properties };
}
/** A list of `items`. */
export function list(items: FieldSchema): FieldSchema {
  return { kind: 'array', items };
}
/** A string-keyed map of `values`. */
export function map(values: FieldSchema = str): FieldSchema {
  return { kind: 'map', values };
}
/** A list of strings. */
export const strs: FieldSchema = list(str);
