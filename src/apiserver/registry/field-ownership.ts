// Ownership of ordinary writes (create/update/patch, operation "Update") in managedFields, so a
// later server-side apply sees the other writers and reports conflicts as upstream does.
import type { KubeObject } from '../../api/types/index.js';
import { recordUpdate } from '../../api/patch/index.js';

/** Who writes: the request's `fieldManager`, else a name from the User-Agent; `applying` for SSA (which records itself). */
export interface WriterInfo {
  fieldManager?: string;
  defaultManager?: string;
  applying?: boolean;
}

/** The manager name upstream derives from a User-Agent: the part before the first '/'. */
export function managerFromUserAgent(ua: string | undefined): string | undefined {
  if (!ua) return undefined;
  const name = ua.split('/')[0]!.trim();
  return name || undefined;
}

/**
 * Records the write's ownership on `next` (returns a copy) or returns `next` unchanged.
 * Steps: 1. SSA writes are left alone (apply rewrote managedFields already); 2. writes without an
 * explicit fieldManager on objects nobody tracks yet are left alone (controllers' hot paths:
 * pods made by ReplicaSets and their status never carry managedFields, which nobody reads);
 * 3. otherwise the fields this write changed move to the writer's "Update" entry.
 */
export function recordWriteOwnership(prev: KubeObject | undefined, next: KubeObject, w: WriterInfo, o: { kind: string; subresource?: string; now: number }): KubeObject {
  if (w.applying) return next;
  const tracked = !!prev?.metadata?.managedFields?.length;
  if (!w.fieldManager && !tracked) return next;
  const manager = w.fieldManager ?? w.defaultManager ?? 'unknown';
  return recordUpdate(prev, next, { manager, kind: o.kind, subresource: o.subresource, now: o.now }) as unknown as KubeObject;
}
