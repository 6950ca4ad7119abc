// Schema lookups: the field schema of a kind, and its OpenAPI v3 rendering for /openapi/v3.
import type { FieldSchema } from './dsl.js';
import { kindSchemas, resourceKinds } from './kinds.js';

export type { FieldSchema } from './dsl.js';
export { kindSchemas, resourceKinds } from './kinds.js';

/** An OpenAPI v3 schema object (the subset we publish). */
export interface OpenAPISchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, OpenAPISchema>;
  items?: OpenAPISchema;
  additionalProperties?: OpenAPISchema;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

/** The field schema of a resource (plural name), or undefined when unknown. */
export function fieldSchemaForResource(resource: string): FieldSchema | undefined {
  const k = resourceKinds[resource];
  return k ? kindSchemas[k] : undefined;
}

/** Renders a field schema as OpenAPI v3. */
export function toOpenAPI(s: FieldSchema): OpenAPISchema {
  const d = s.description ? { description: s.description } : {};
  switch (s.kind) {
    case 'string':
      return { type: 'string', ...d };
    case 'date-time':
      return { type: 'string', format: 'date-time', ...d };
    case 'integer':
      return { type: 'integer', format: 'int64', ...d };
    case 'number':
      return { type: 'number', format: 'double', ...d };
    case 'boolean':
      return { type: 'boolean', ...d };
    case 'int-or-string':
      return { 'x-kubernetes-int-or-string': true, format: 'int-or-string', ...d };
    case 'quantity':
      return { 'x-kubernetes-int-or-string': true, format: 'quantity', ...d };
    case 'any':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...d };
    case 'array':
      return { type: 'array', items: toOpenAPI(s.items), ...d };
    case 'map':
      return { type: 'object', additionalProperties: toOpenAPI(s.values), ...d };
    case 'object': {
      const properties: Record<string, OpenAPISchema> = {};
      for (const [k, v] of Object.entries(s.properties)) properties[k] = toOpenAPI(v);
      return { type: 'object', properties, ...d };
    }
  }
}

/** The OpenAPI v3 schema of a kind (e.g. "Pod"), or undefined when the kind is not known. */
export function schemaFor(kind: string): OpenAPISchema | undefined {
  const s = kindSchemas[kind];
  return s ? toOpenAPI(s) : undefined;
}
