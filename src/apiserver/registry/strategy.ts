// Per-kind write hooks (upstream "strategies"): what create/update reset, graceful deletion,
// allocation of service IPs and ports. The generic store calls these at fixed points.
import type { DeleteOptions, KubeObject } from '../../api/types/index.js';
import type { ResourceInfo } from './resources.js';

/** Context every hook gets. */
export interface StrategyContext {
  now: number;
  dryRun: boolean;
}

/**
 * Contract: hooks mutate `obj` in place; `beforeCreate`/`beforeUpdate` may reserve resources
 * (returning an undo), which the store calls when the write fails.
 */
export interface Strategy {
  /** Called on create after defaulting, before validation. */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** Called on a main-resource update before validation (status already carried over). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** Reserve cluster-wide resources (service IPs/ports); returns an undo. */
  beforeCreate?(obj: KubeObject, ctx: StrategyContext): Promise<(() => Promise<void>) | void>;
  beforeUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): Promise<(() => Promise<void>) | void>;
  /** Release what the object held, after it is gone from storage. */
  afterDelete?(obj: KubeObject): Promise<void>;
  /** Grace period for a delete; 0 or undefined deletes at once. */
  gracePeriod?(obj: KubeObject, opts: DeleteOptions): number | undefined;
  /** Refuse a delete (e.g. the default namespaces); return a reason to refuse. */
  refuseDelete?(obj: KubeObject): string | undefined;
  /** Called when a delete is accepted but the object stays (finalizers): e.g. namespaces become Terminating. */
  onDeleteMarked?(obj: KubeObject): void;
  /** Extra condition (besides metadata.finalizers) that keeps a deleted object in storage. */
  holdsDeletion?(obj: KubeObject): boolean;
  /** PUT may create when absent. */
  allowCreateOnUpdate?: boolean;
}

/** Marks fields that only the status subresource may set, cleared on create for most kinds. */
export function resetStatusOnCreate(r: ResourceInfo, obj: KubeObject): void {
  if (!r.hasStatus) return;
  // Nodes, namespaces and services keep what they were created with (as upstream).
  if (r.resource === 'nodes' || r.resource === 'namespaces' || r.resource === 'services') return;
  delete obj.status;
}
