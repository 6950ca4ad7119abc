// Pure helpers for object metadata on writes: names, generation, status/spec separation.
import type { KubeObject } from '../../api/types/index.js';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** A name for `generateName`: the prefix (cut to fit 63 chars) plus 5 random characters, as upstream. */
export function generateName(prefix: string, random: () => number): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(random() * NAME_CHARS.length)];
  return base + s;
}

/** Deep structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** The object minus metadata, status, kind and apiVersion: what `generation` tracks. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

/** Deep copy of a JSON object. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * Carries over what a main-resource update may not change: identity fields, and `status`
 * for kinds with a status subresource.
 */
export function preserveOnUpdate(next: KubeObject, old: KubeObject, hasStatus: boolean): void {
  next.metadata.uid = old.metadata.uid;
  next.metadata.creationTimestamp = old.metadata.creationTimestamp;
  next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
  next.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  next.metadata.generation = old.metadata.generation;
  next.metadata.namespace = old.metadata.namespace;
  if (next.metadata.generateName === undefined && old.metadata.generateName !== undefined) next.metadata.generateName = old.metadata.generateName;
  if (hasStatus) {
    if (old.status === undefined) delete next.status;
    else next.status = clone(old.status);
  }
  if (next.metadata.deletionTimestamp === undefined) delete next.metadata.deletionTimestamp;
  if (next.metadata.deletionGracePeriodSeconds === undefined) delete next.metadata.deletionGracePeriodSeconds;
}

/** For a `/status` write: everything but `status` comes from the old object (labels/annotations too, as upstream for most kinds). */
export function statusOnlyUpdate(next: KubeObject, old: KubeObject): KubeObject {
  const out = clone(old);
  if (next.status === undefined) delete out.status;
  else out.status = clone(next.status);
  out.metadata.resourceVersion = next.metadata.resourceVersion;
  return out;
}

/** Removes fields that must not be stored empty. */
export function pruneMeta(obj: KubeObject): void {
  const m = obj.metadata;
  for (const k of ['labels', 'annotations'] as const) if (m[k] && Object.keys(m[k]!).length === 0) delete m[k];
  for (const k of ['finalizers', 'ownerReferences', 'managedFields'] as const) if (m[k] && m[k]!.length === 0) delete m[k];
}
