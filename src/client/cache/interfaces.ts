// Informer contracts (modelled on client-go tools/cache).
import type { KubeObject } from '../../api/types/index.js';
import type { ResourceRef } from '../interfaces.js';

/** Index function: the index values an object is filed under. */
export type IndexFunc<T> = (obj: T) => string[];

/** Read side of an informer's cache. Keys are "namespace/name" or "name" (cluster-scoped). */
export interface Store<T extends KubeObject = KubeObject> {
  get(key: string): T | undefined;
  list(): T[];
  keys(): string[];
  /** Objects filed under `value` by the named index; throws if the index is unknown. */
  byIndex(indexName: string, value: string): T[];
}

/** Callbacks; `onDelete` gets the last known state of the object. */
export interface EventHandler<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/**
 * A list+watch cache of one resource: lists, then watches from the list's resourceVersion,
 * relists on 410, resumes from the last seen version after a dropped connection.
 * Handlers added after sync get `onAdd` for every cached object.
 */
export interface Informer<T extends KubeObject = KubeObject> {
  readonly store: Store<T>;
  addEventHandler(h: EventHandler<T>): void;
  /** Adds an index; must be called before `start`. */
  addIndexer(name: string, fn: IndexFunc<T>): void;
  hasSynced(): boolean;
  /** Resolves once the first list has been delivered to the store. */
  waitForSync(signal: AbortSignal): Promise<void>;
  /** Runs until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Full resync period in ms (re-delivers onUpdate for every object); 0 = never. */
  resyncMs?: number;
}

/** One shared informer per (resource, options) per process. */
export interface SharedInformerFactory {
  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef, opts?: InformerOptions): Informer<T>;
  /** Starts every informer requested so far (and later ones when requested). */
  start(signal: AbortSignal): void;
  waitForSync(signal: AbortSignal): Promise<void>;
}

/** "ns/name" for namespaced objects, "name" otherwise. */
export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : `${obj.metadata.name}`;
}

/** Splits a key made by `keyOf`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
