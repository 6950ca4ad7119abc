// RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge recursively,
// `null` deletes a member, anything else (arrays included) replaces.
import { clone, isObject, setOwn, type JsonObject, type JsonValue } from './json.js';

/** Returns `target` with `patch` merged in; neither input is modified. */
export function applyMergePatch(target: unknown, patch: unknown): JsonValue {
  return mergeInto(clone((target ?? null) as JsonValue), patch as JsonValue);
}

function mergeInto(target: JsonValue, patch: JsonValue): JsonValue {
  // 1. A non-object patch replaces the target wholesale.
  if (!isObject(patch)) return clone(patch);
  // 2. Otherwise the target becomes an object (a non-object target is discarded).
  const out: JsonObject = isObject(target) ? target : {};
  // 3. Each member: null deletes, others merge recursively.
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergeInto(Object.prototype.hasOwnProperty.call(out, k) ? out[k]! : null, v));
  }
  return out;
}
