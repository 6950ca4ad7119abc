// Storage contract: the only path from the apiserver to etcd. Keys are full etcd keys
// (`<prefix>/<group>/<resource>/<namespace>/<name>`); values are objects without
// `metadata.resourceVersion` (it is the etcd mod_revision, filled in on read).
import type { KubeObject } from '../../api/types/index.js';

/** An object with the revision it was last modified at. */
export interface Versioned {
  key: string;
  obj: KubeObject;
  rev: number;
  /** The stored value is not in the current storage form (encryption key rotated): an identical write still rewrites it. */
  stale?: boolean;
}

export interface ListResult {
  items: Versioned[];
  /** The store revision the list was read at. */
  revision: number;
  /** Key to continue from when the page was cut by `limit`. */
  nextKey?: string;
}

export interface ListOpts {
  /** Read at this revision (paging); 0 = latest. */
  revision?: number;
  /** First key to read (inclusive); defaults to the prefix. */
  startKey?: string;
  limit?: number;
}

export interface StorageEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  /** New state (for DELETED: the last state, with rev = the delete revision). */
  obj: KubeObject;
  /** Previous state when known. */
  prev?: KubeObject;
  rev: number;
}

/** A running watch; `stop` cancels it. */
export interface StorageWatch {
  stop(): void;
}

export interface WatchHandlers {
  onEvent(ev: StorageEvent): void;
  /** Terminal error: `compacted` when the start revision is gone. */
  onError(err: Error & { compacted?: boolean }): void;
}

/**
 * Contract: `create` fails with StorageError('AlreadyExists') when the key exists;
 * `update` with expectedRev > 0 fails with StorageError('Conflict') when the object changed
 * and with 'NotFound' when gone; `delete` likewise. Every write returns the new revision.
 * Network failures surface as StorageError('Unavailable').
 */
export interface Storage {
  get(key: string): Promise<Versioned | undefined>;
  list(prefix: string, opts?: ListOpts): Promise<ListResult>;
  create(key: string, obj: KubeObject): Promise<number>;
  update(key: string, obj: KubeObject, expectedRev: number): Promise<number>;
  delete(key: string, expectedRev: number): Promise<number>;
  /** Watches keys under prefix, delivering events with rev > fromRev in order. */
  watch(prefix: string, fromRev: number, h: WatchHandlers): StorageWatch;
  /** Current store revision. */
  currentRevision(): Promise<number>;
  /** Reads a raw value (for allocators). */
  getRaw(key: string): Promise<{ value: string; rev: number } | undefined>;
  /** Compare-and-swap of raw values: expectedRev 0 means "must not exist". */
  putRaw(key: string, value: string, expectedRev: number): Promise<number>;
  /** Deletes a raw key (no-op when absent). */
  deleteRaw(key: string): Promise<void>;
  /** Lists raw keys under a prefix. */
  listRawKeys(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

export type StorageErrorCode = 'AlreadyExists' | 'Conflict' | 'NotFound' | 'Unavailable' | 'Compacted';

/** A typed storage failure. */
export class StorageError extends Error {
  constructor(readonly code: StorageErrorCode, message: string) {
    super(message);
    this.name = 'StorageError';
  }
}
