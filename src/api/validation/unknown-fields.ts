// Strict field validation: lists fields of an object that its kind's schema does not know,
// worded as upstream (`unknown field "spec.foo"`).
import type { FieldSchema } from './schema/dsl.js';
import { fieldSchemaForResource } from './schema/index.js';
import { isObj } from './json.js';

function walk(v: unknown, s: FieldSchema, path: string, out: string[]): void {
  if (v === null || v === undefined) return;
  switch (s.kind) {
    case 'object':
      if (!isObj(v)) return;
      for (const [k, child] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        const cs = s.properties[k];
        if (!cs) out.push(p);
        else walk(child, cs, p, out);
      }
      return;
    case 'array':
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, s.items, `${path}[${i}]`, out));
      return;
    case 'map':
      if (isObj(v)) for (const [k, x] of Object.entries(v)) walk(x, s.values, `${path}.${k}`, out);
      return;
    default:
      return;
  }
}

/** The JSON paths of unknown fields in `obj` (`spec.foo`, `spec.containers[0].imagee`); empty for unknown resources. */
export function validateUnknownFields(resource: string, obj: unknown): string[] {
  const s = fieldSchemaForResource(resource);
  if (!s) return [];
  const out: string[] = [];
  walk(obj, s, '', out);
  return out;
}

/** Upstream-worded strict-validation messages for the same paths: `unknown field "spec.foo"`. */
export function unknownFieldMessages(resource: string, obj: unknown): string[] {
  return validateUnknownFields(resource, obj).map((p) => `unknown field ${JSON.stringify(p)}`);
}
