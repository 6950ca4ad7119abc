// Garbage-collector decisions (pure): what to do with an object given the state of its owners
// and dependents, following upstream attemptToDeleteItem / processDeletingDependentsItem / orphanDependents.
import type { KubeObject, OwnerReference } from '../../api/types/index.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** An owner as seen from a dependent: gone (dangling), present, or present and deleting its dependents first. */
export type OwnerState = 'absent' | 'solid' | 'waiting';

/** What the collector does next with an object. */
export type GcAction =
  | { kind: 'none' }
  | { kind: 'removeRefs'; uids: string[] }
  | { kind: 'delete'; policy: 'Background' | 'Foreground' | 'Orphan'; unblockUids?: string[] }
  | { kind: 'orphanDependents' }
  | { kind: 'removeFinalizer'; finalizer: string }
  | { kind: 'waitForDependents' };

export const isDeleting = (o: KubeObject): boolean => !!o.metadata.deletionTimestamp;
export const hasFinalizer = (o: KubeObject, f: string): boolean => (o.metadata.finalizers ?? []).includes(f);
/** Being deleted in foreground: its dependents go first. */
export const isDeletingDependents = (o: KubeObject): boolean => isDeleting(o) && hasFinalizer(o, FINALIZER_FOREGROUND);

/** Inputs of `decide`: the object, its owners' states by uid, and its dependents (objects with a ref to it). */
export interface GcFacts {
  obj: KubeObject;
  owners: Map<string, OwnerState>;
  dependents: KubeObject[];
}

/**
 * Steps: 1. deleting with `orphan` → orphan dependents (then the finalizer goes); 2. deleting with
 * `foregroundDeletion` → remove the finalizer once no dependent with blockOwnerDeletion remains, else wait;
 * 3. any solid owner → drop dangling and waiting refs (if any); 4. no solid owner and some owner → delete
 * (Foreground when an owner waits on us, unblocking our refs first when a dependent of ours deletes its
 * own dependents, which breaks cycles).
 */
export function decide(f: GcFacts): GcAction {
  const { obj } = f;
  const uid = obj.metadata.uid;
  if (isDeleting(obj) && hasFinalizer(obj, FINALIZER_ORPHAN)) {
    return f.dependents.some((d) => refTo(d, uid)) ? { kind: 'orphanDependents' } : { kind: 'removeFinalizer', finalizer: FINALIZER_ORPHAN };
  }
  if (isDeletingDependents(obj)) {
    const blocking = f.dependents.filter((d) => refTo(d, uid)?.blockOwnerDeletion === true);
    return blocking.length ? { kind: 'waitForDependents' } : { kind: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND };
  }
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || isDeleting(obj)) return { kind: 'none' };
  const state = (r: OwnerReference) => f.owners.get(r.uid) ?? 'solid';
  const solid = refs.filter((r) => state(r) === 'solid');
  const dangling = refs.filter((r) => state(r) === 'absent');
  const waiting = refs.filter((r) => state(r) === 'waiting');
  if (solid.length) {
    if (!dangling.length && !waiting.length) return { kind: 'none' };
    return { kind: 'removeRefs', uids: [...dangling, ...waiting].map((r) => r.uid) };
  }
  if (waiting.length && f.dependents.length) {
    const cycle = f.dependents.some(isDeletingDependents);
    return cycle ? { kind: 'delete', policy: 'Foreground', unblockUids: waiting.map((r) => r.uid) } : { kind: 'delete', policy: 'Foreground' };
  }
  if (waiting.length) return { kind: 'delete', policy: 'Foreground' };
  const policy = hasFinalizer(obj, FINALIZER_ORPHAN) ? 'Orphan' : hasFinalizer(obj, FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
  return { kind: 'delete', policy };
}

/** `dep`'s ownerReference to `uid`, if any. */
export function refTo(dep: KubeObject, uid: string | undefined): OwnerReference | undefined {
  return uid ? dep.metadata.ownerReferences?.find((r) => r.uid === uid) : undefined;
}
