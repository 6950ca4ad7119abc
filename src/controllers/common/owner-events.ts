// Turning pod (or other dependent) events into owner keys, as upstream's add/update/deletePod handlers.
import type { KubeObject } from '../../api/types/index.js';
import type { EventHandler, Store } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import type { Expectations } from './expectations.js';
import { getControllerOf } from './controller-ref.js';

/** Options: which owner kind to follow, where owners live, how to find owners of orphans. */
export interface DependentHandlerOptions<O extends KubeObject, D extends KubeObject> {
  ownerKind: string;
  owners: Store<O>;
  enqueue(ownerKey: string): void;
  expectations?: Expectations;
  /** Owners whose selector matches an orphan (for adoption); default none. */
  ownersOfOrphan?(dep: D): O[];
  /** Extra reaction to an update of an owned dependent (e.g. requeue after minReadySeconds). */
  onOwnedUpdate?(ownerKey: string, oldDep: D, newDep: D): void;
}

/** The owner (from the store) controlling `dep`, if it is of our kind and the uid matches. */
export function resolveOwner<O extends KubeObject>(dep: KubeObject, kind: string, owners: Store<O>): O | undefined {
  const ref = getControllerOf(dep);
  if (!ref || ref.kind !== kind) return undefined;
  const key = dep.metadata.namespace ? `${dep.metadata.namespace}/${ref.name}` : ref.name;
  const o = owners.get(key);
  return o && o.metadata.uid === ref.uid ? o : undefined;
}

/** Event handlers for dependents that keep expectations and enqueue owners. */
export function dependentHandlers<O extends KubeObject, D extends KubeObject>(o: DependentHandlerOptions<O, D>): EventHandler<D> {
  const onDeleted = (dep: D) => {
    const owner = resolveOwner(dep, o.ownerKind, o.owners);
    if (!owner) return;
    const k = keyOf(owner);
    o.expectations?.deletionObserved(k, keyOf(dep));
    o.enqueue(k);
  };
  return {
    onAdd(dep) {
      if (dep.metadata.deletionTimestamp) return onDeleted(dep);
      const owner = resolveOwner(dep, o.ownerKind, o.owners);
      if (owner) {
        const k = keyOf(owner);
        o.expectations?.creationObserved(k);
        o.enqueue(k);
        return;
      }
      if (!getControllerOf(dep)) for (const ow of o.ownersOfOrphan?.(dep) ?? []) o.enqueue(keyOf(ow));
    },
    onUpdate(oldDep, newDep) {
      if (oldDep.metadata.resourceVersion === newDep.metadata.resourceVersion) return;
      if (newDep.metadata.deletionTimestamp && !oldDep.metadata.deletionTimestamp) {
        onDeleted(newDep);
        return;
      }
      const oldOwner = resolveOwner(oldDep, o.ownerKind, o.owners);
      const newOwner = resolveOwner(newDep, o.ownerKind, o.owners);
      if (oldOwner && (!newOwner || oldOwner.metadata.uid !== newOwner.metadata.uid)) o.enqueue(keyOf(oldOwner));
      if (newOwner) {
        const k = keyOf(newOwner);
        o.enqueue(k);
        o.onOwnedUpdate?.(k, oldDep, newDep);
        return;
      }
      const labelsChanged = JSON.stringify(oldDep.metadata.labels ?? {}) !== JSON.stringify(newDep.metadata.labels ?? {});
      if (!getControllerOf(newDep) && (labelsChanged || getControllerOf(oldDep))) {
        for (const ow of o.ownersOfOrphan?.(newDep) ?? []) o.enqueue(keyOf(ow));
      }
    },
    onDelete(dep) {
      onDeleted(dep);
    },
  };
}

/** Handlers that enqueue the object's own key on every change. */
export function selfHandlers<T extends KubeObject>(enqueue: (key: string) => void, onDelete?: (obj: T) => void): EventHandler<T> {
  return {
    onAdd: (obj) => enqueue(keyOf(obj)),
    onUpdate: (_o, n) => enqueue(keyOf(n)),
    onDelete: (obj) => {
      onDelete?.(obj);
      enqueue(keyOf(obj));
    },
  };
}

/** Objects of a store in one namespace (from the store's built-in namespace index), in `list` order. */
export function inNamespace<T extends KubeObject>(store: Store<T>, ns: string | undefined): T[] {
  return store.byIndex('namespace', ns ?? '');
}
