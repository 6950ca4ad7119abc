// The PATCH entry point: picks the engine by Content-Type (the apiserver's single call).
import { parse as parseYaml } from 'yaml';
import { applyPatch } from './apply.js';
import { ApplyConflictError, PatchError, UnsupportedPatchError } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import type { JsonValue } from './json.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export { ApplyConflictError, applyConflictMessage, PatchError, UnsupportedPatchError, type ApplyConflict } from './errors.js';
export { applyPatch, recordUpdate, type ApplyOptions, type ApplyResult, type UpdateOptions } from './apply.js';
export { applyJsonPatch, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge.js';
export { patchMetaFor, type PatchMeta } from './strategy-meta.js';

/** The patch media types served, as upstream. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** Only server-side apply needs these. */
export interface PatchOptions {
  manager?: string;
  force?: boolean;
  subresource?: string;
  now?: number | string;
}

/** Parses a raw body (string or bytes); already-parsed values pass through. Bad syntax is a 400 PatchError. */
function decode(body: unknown, yaml: boolean): JsonValue {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body as JsonValue;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return (yaml ? parseYaml(text) : JSON.parse(text)) as JsonValue;
  } catch (err) {
    throw new PatchError(`${yaml ? 'error decoding YAML' : 'invalid JSON'}: ${(err as Error).message}`, 400);
  }
}

/**
 * Applies `patchBody` to `existing` (an object of `kind`) according to `contentType` (parameters
 * such as `; charset=utf-8` are ignored) and returns the new object; inputs are not modified.
 * Throws UnsupportedPatchError (415), PatchError (400/422), ApplyConflictError (409, apply only).
 * `existing` may be undefined only for apply, which then creates.
 */
export function applyPatchByContentType(contentType: string, existing: unknown, patchBody: unknown, kind: string, opts: PatchOptions = {}): JsonValue {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(existing, decode(patchBody, false));
    case 'application/merge-patch+json':
      return applyMergePatch(existing, decode(patchBody, false));
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(existing, decode(patchBody, false), kind);
    case 'application/apply-patch+yaml': {
      const applied = decode(patchBody, true);
      if (applied === null || typeof applied !== 'object' || Array.isArray(applied)) throw new PatchError('apply patch must be an object', 400);
      if (!opts.manager) throw new PatchError('PATCH requests with application/apply-patch+yaml must set the fieldManager parameter', 400);
      const out = applyPatch(existing === null ? undefined : (existing as object | undefined), applied, {
        manager: opts.manager,
        force: opts.force ?? false,
        kind,
        subresource: opts.subresource,
        now: opts.now,
      });
      if (out.conflicts?.length) throw new ApplyConflictError(out.conflicts);
      return out.result;
    }
    default:
      throw new UnsupportedPatchError(contentType);
  }
}
