// The client contract every component codes against. Implementations: `RestClientset`
// (HTTP to an apiserver) and `FakeClientset` (in memory, for unit tests).
import type { DeleteOptions, KubeList, KubeObject, Status, WatchEvent } from '../api/types/index.js';

/** Identifies a served resource: `group` is "" for core. */
export interface ResourceRef {
  group: string;
  version: string;
  /** Plural lower-case resource name, e.g. "pods". */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** Query options of list and watch, as the Kubernetes REST API names them. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

/** Options of a write: `fieldManager`, `dryRun`. */
export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** For server-side apply patches. */
  force?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Content types of the patch kinds. */
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/**
 * CRUD + watch on one resource. `namespace` is ignored for cluster-scoped resources
 * and means "all namespaces" when undefined on list/watch.
 * Every method rejects with `ApiError` when the server answers with a non-2xx status.
 */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  readonly ref: ResourceRef;
  list(namespace: string | undefined, opts?: ListOptions): Promise<KubeList<T>>;
  get(namespace: string | undefined, name: string): Promise<T>;
  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT of the whole object; `metadata.resourceVersion` makes it compare-and-swap. */
  update(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT to the `/status` subresource. */
  updateStatus(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PATCH; `subresource` e.g. "status" or "scale". `body` is an object (or array for json patch). */
  patch(namespace: string | undefined, name: string, type: PatchType, body: unknown, opts?: WriteOptions & { subresource?: string }): Promise<T>;
  /** DELETE; resolves with the object (graceful/finalizers pending) or a Success Status. */
  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection(namespace: string | undefined, opts?: ListOptions & DeleteOptions): Promise<KubeList<T> | Status>;
  /**
   * Opens a watch; yields events until the server ends the stream or `signal` aborts.
   * An `ERROR` event (e.g. 410 Expired) is yielded as-is; the caller decides to relist.
   */
  watch(namespace: string | undefined, opts: ListOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
  /**
   * PUT of the whole object to a subresource other than status (e.g. namespaces/<name>/finalize).
   * Optional: callers fall back to a merge PATCH of the subresource when absent.
   */
  updateSubresource?(namespace: string | undefined, obj: T, subresource: string, opts?: WriteOptions): Promise<T>;
  /** POST to a subresource (e.g. pods/binding, pods/eviction), returning the parsed reply. */
  createSubresource(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown>;
}

/** Gives a typed client per resource. */
export interface Clientset {
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T>;
}

/** An error answer from the apiserver, carrying its metav1.Status. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status | undefined;
  constructor(code: number, reason: string, message: string, status?: Status) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.code === 409 && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists';
export const isGone = (e: unknown): boolean => e instanceof ApiError && (e.code === 410);
