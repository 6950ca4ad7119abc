// Controller references: which object controls which, adoption of matching orphans and release of
// owned objects that stopped matching (upstream's ControllerRefManager, pure classification apart
// from the patch I/O).
import type { KubeObject, OwnerReference } from '../../api/types/index.js';

/** The ownerReference with controller=true, if any. */
export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** A controller ref to `owner` (apiVersion/kind given since list items may lack them). */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Whether `obj` is controlled by `owner` (by uid). */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const r = getControllerOf(obj);
  return !!r && r.uid === owner.metadata.uid;
}

/** The result of claiming: objects now owned, to adopt (patch in a ref) and to release (patch out). */
export interface ClaimPlan<T extends KubeObject> { owned: T[]; adopt: T[]; release: T[] }

/**
 * Classifies candidates (same namespace) for `owner`. Steps:
 * 1. controlled by owner: keep if selector matches (and not terminating-only), else release;
 * 2. controlled by someone else: ignore;
 * 3. orphan: adopt if selector matches, the owner is not being deleted and the orphan is not being deleted.
 */
export function planClaims<T extends KubeObject>(owner: KubeObject, candidates: T[], matches: (o: T) => boolean): ClaimPlan<T> {
  const plan: ClaimPlan<T> = { owned: [], adopt: [], release: [] };
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  for (const c of candidates) {
    const ref = getControllerOf(c);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(c)) plan.owned.push(c);
      else if (!c.metadata.deletionTimestamp && !ownerDeleting) plan.release.push(c);
      continue;
    }
    if (!matches(c) || ownerDeleting || c.metadata.deletionTimestamp) continue;
    plan.adopt.push(c);
  }
  return plan;
}

/** Strategic/merge patch body adopting `obj` (keeps other refs; `uid` precondition via metadata.uid). */
export function adoptPatch(obj: KubeObject, ref: OwnerReference): unknown {
  const refs = [...(obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid), ref];
  return { metadata: { ownerReferences: refs, uid: obj.metadata.uid } };
}

/** Merge patch body removing the owner's ref from `obj`. */
export function releasePatch(obj: KubeObject, ownerUid: string): unknown {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { metadata: { ownerReferences: refs.length ? refs : null, uid: obj.metadata.uid } };
}
