// The generic REST store: create/get/update/delete of one resource over Storage, with
// defaulting, admission, validation, generation, graceful deletion and finalizers.
import { randomUUID } from 'node:crypto';
import type { DeleteOptions, KubeObject, StatusCause } from '../../api/types/index.js';
import type { Clock } from '../../util/clock.js';
import { rfc3339 } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { errors, StatusError } from '../errors.js';
import { StorageError, type Storage, type Versioned } from '../storage/interface.js';
import type { WatchCache } from '../storage/watch-cache.js';
import type { Admission, AdmissionAttributes, UserInfo } from '../admission/interface.js';
import type { RequestNotes } from '../request-notes.js';
import { clone, generateName, jsonEqual, preserveOnUpdate, pruneMeta, specPart, statusOnlyUpdate } from './object-meta.js';
import { groupVersion, storageKey, storagePrefix, type ResourceInfo } from './resources.js';
import { resetStatusOnCreate, type Strategy, type StrategyContext } from './strategy.js';
import { applyDefaults } from '../../api/defaults/index.js';
import { recordWriteOwnership, type WriterInfo } from './field-ownership.js';
import { validateObject } from '../../api/validation/index.js';

/** Per-request write options. */
export interface WriteContext extends WriterInfo {
  dryRun: boolean;
  user: UserInfo;
  /** Where admission leaves warnings and audit annotations for this request. */
  notes?: RequestNotes;
}

export interface StoreDeps {
  storage: Storage;
  cache: WatchCache;
  etcdPrefix: string;
  clock: Clock;
  random: () => number;
  logger: Logger;
  admission: Admission;
}

/** Maps storage failures to Status errors for this resource. */
function mapStorageError(r: ResourceInfo, name: string, err: unknown): never {
  if (err instanceof StorageError) {
    switch (err.code) {
      case 'AlreadyExists':
        throw errors.alreadyExists(r, name);
      case 'Conflict':
        throw errors.conflict(r, name);
      case 'NotFound':
        throw errors.notFound(r, name);
      case 'Compacted':
        throw errors.expired(err.message);
      case 'Unavailable':
        throw errors.unavailable(`storage is unavailable: ${err.message}`);
    }
  }
  throw err;
}

export class ResourceStore {
  readonly info: ResourceInfo;
  readonly prefix: string;
  private readonly d: StoreDeps;
  private readonly strategy: Strategy;

  constructor(info: ResourceInfo, deps: StoreDeps, strategy: Strategy = {}) {
    this.info = info;
    this.d = deps;
    this.strategy = strategy;
    this.prefix = storagePrefix(deps.etcdPrefix, info);
  }

  get cache(): WatchCache {
    return this.d.cache;
  }

  key(namespace: string | undefined, name: string): string {
    return storageKey(this.d.etcdPrefix, this.info, namespace, name);
  }

  private withTypeMeta(obj: KubeObject): KubeObject {
    // apiVersion/kind first, as upstream serializes them.
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    return { apiVersion: groupVersion(this.info), kind: this.info.kind, ...rest } as KubeObject;
  }

  private ctx(dryRun: boolean): StrategyContext {
    return { now: this.d.clock.now(), dryRun };
  }

  /** Reads one object from etcd (consistent). */
  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const v = await this.getVersioned(namespace, name);
    return this.withTypeMeta(v.obj);
  }

  private async getVersioned(namespace: string | undefined, name: string): Promise<Versioned> {
    let v: Versioned | undefined;
    try {
      v = await this.d.storage.get(this.key(namespace, name));
    } catch (err) {
      mapStorageError(this.info, name, err);
    }
    if (!v) throw errors.notFound(this.info, name);
    return v;
  }

  private async admit(attrs: AdmissionAttributes): Promise<void> {
    await this.d.admission.admit(attrs);
  }

  private async validateAdmission(attrs: AdmissionAttributes): Promise<void> {
    await this.d.admission.validate(attrs);
  }

  private validate(obj: KubeObject, old?: KubeObject): void {
    const errs = validateObject(this.info.resource, obj, old);
    if (errs.length) {
      const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
      throw errors.invalid(this.info.kind, this.info.group, obj.metadata.name ?? obj.metadata.generateName ?? '', causes);
    }
  }

  /**
   * Create: 1. namespace and name; 2. identity fields; 3. defaults and kind hooks;
   * 4. mutating admission; 5. validation; 6. validating admission; 7. reservations; 8. write.
   */
  async create(namespace: string | undefined, input: KubeObject, wc: WriteContext): Promise<KubeObject> {
    const obj = clone(input);
    obj.metadata ??= {};
    // 1. namespace and name
    if (this.info.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
      if (!obj.metadata.namespace) throw errors.badRequest('the server could not find the requested resource: namespace is required');
    } else {
      delete obj.metadata.namespace;
    }
    if (obj.metadata.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    const generated = !obj.metadata.name && !!obj.metadata.generateName;
    // 2. identity
    const now = this.d.clock.now();
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = rfc3339(now);
    obj.metadata.generation = 1;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    const typed = this.withTypeMeta(obj);
    // 3. defaults and kind hooks
    resetStatusOnCreate(this.info, typed);
    applyDefaults(this.info.resource, typed);
    this.strategy.prepareForCreate?.(typed, this.ctx(wc.dryRun));
    for (let attempt = 0; ; attempt++) {
      if (generated) typed.metadata.name = generateName(obj.metadata.generateName!, this.d.random);
      const name = typed.metadata.name ?? '';
      const attrs: AdmissionAttributes = { operation: 'CREATE', resource: this.info, namespace: typed.metadata.namespace, name, object: typed, user: wc.user, dryRun: wc.dryRun, warnings: wc.notes?.warnings, auditAnnotations: wc.notes?.auditAnnotations };
      // 4-6. admission and validation
      await this.admit(attrs);
      this.validate(typed);
      await this.validateAdmission(attrs);
      // 7. reservations (an existing object is AlreadyExists, not a failed reservation)
      if (this.strategy.beforeCreate && !generated) {
        let existing: Versioned | undefined;
        try {
          existing = await this.d.storage.get(this.key(typed.metadata.namespace, name));
        } catch (err) {
          mapStorageError(this.info, name, err);
        }
        if (existing) throw errors.alreadyExists(this.info, name);
      }
      const undo = await this.strategy.beforeCreate?.(typed, this.ctx(wc.dryRun));
      typed.metadata.managedFields = recordWriteOwnership(undefined, typed, wc, { kind: this.info.kind, now }).metadata.managedFields;
      pruneMeta(typed);
      if (wc.dryRun) {
        if (undo) await undo();
        return typed;
      }
      // 8. write
      try {
        const rev = await this.d.storage.create(this.key(typed.metadata.namespace, name), typed);
        typed.metadata.resourceVersion = String(rev);
        return typed;
      } catch (err) {
        if (undo) await undo().catch((e: Error) => this.d.logger.error({ err: e.message }, 'undo reservation failed'));
        if (generated && err instanceof StorageError && err.code === 'AlreadyExists' && attempt < 8) continue;
        mapStorageError(this.info, name, err);
      }
    }
  }

  /**
   * Read-modify-write with retries on conflict. `mutate` gets a copy of the current object
   * (undefined when absent) and returns the desired object; `preconditionRV` makes the first
   * conflict final (the client asked for that version).
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    mutate: (cur: KubeObject | undefined) => Promise<KubeObject> | KubeObject,
    opts: { subresource?: string; wc: WriteContext; createIfAbsent?: boolean },
  ): Promise<{ obj: KubeObject; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      let cur: Versioned | undefined;
      try {
        cur = await this.d.storage.get(this.key(namespace, name));
      } catch (err) {
        mapStorageError(this.info, name, err);
      }
      if (!cur) {
        if (!opts.createIfAbsent) throw errors.notFound(this.info, name);
        const desired = await mutate(undefined);
        desired.metadata ??= {};
        desired.metadata.name ??= name;
        const created = await this.create(namespace, desired, opts.wc);
        return { obj: created, created: true };
      }
      const curObj = this.withTypeMeta(cur.obj);
      const desired = await mutate(clone(curObj));
      desired.metadata ??= {};
      const wantRV = desired.metadata.resourceVersion;
      if (wantRV && wantRV !== String(cur.rev)) throw errors.conflict(this.info, name);
      try {
        const obj = await this.writeUpdate(curObj, cur.rev, desired, opts.subresource, opts.wc, cur.stale);
        return { obj, created: false };
      } catch (err) {
        if (err instanceof StorageError && err.code === 'Conflict' && !wantRV && attempt < 10) continue;
        mapStorageError(this.info, name, err);
      }
    }
  }

  /** PUT semantics: body replaces the object (or its status for `/status`). */
  async update(namespace: string | undefined, name: string, body: KubeObject, subresource: string | undefined, wc: WriteContext): Promise<{ obj: KubeObject; created: boolean }> {
    if (body.metadata?.name && body.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (this.info.namespaced && body.metadata?.namespace && namespace && body.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const createIfAbsent = !subresource && (this.strategy.allowCreateOnUpdate ?? false);
    return this.guaranteedUpdate(namespace, name, () => clone(body), { subresource, wc, createIfAbsent });
  }

  /**
   * Writes `desired` over `cur` (at revision `rev`):
   * 1. keep what the endpoint may not change; 2. generation; 3. defaults + hooks;
   * 4. admission + validation; 5. CAS write, or delete when the last finalizer went away.
   */
  private async writeUpdate(cur: KubeObject, rev: number, desiredIn: KubeObject, subresource: string | undefined, wc: WriteContext, stale = false): Promise<KubeObject> {
    const name = cur.metadata.name!;
    let next: KubeObject;
    // 1. what this endpoint may change
    if (subresource === 'status') {
      next = statusOnlyUpdate(this.withTypeMeta(desiredIn), cur);
    } else {
      next = this.withTypeMeta(desiredIn);
      next.metadata ??= {};
      next.metadata.name = name;
      preserveOnUpdate(next, cur, this.info.hasStatus && subresource !== 'finalize');
      // A write that leaves managedFields out keeps them (upstream); an empty list resets them.
      if (next.metadata.managedFields === undefined && cur.metadata.managedFields) next.metadata.managedFields = clone(cur.metadata.managedFields);
    }
    // 2. generation bumps on spec changes
    if (!jsonEqual(specPart(next), specPart(cur))) next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    // 3. defaults and hooks
    applyDefaults(this.info.resource, next);
    if (!subresource) this.strategy.prepareForUpdate?.(next, cur, this.ctx(wc.dryRun));
    // 4. admission and validation
    const attrs: AdmissionAttributes = { operation: 'UPDATE', resource: this.info, subresource, namespace: cur.metadata.namespace, name, object: next, oldObject: cur, user: wc.user, dryRun: wc.dryRun, warnings: wc.notes?.warnings, auditAnnotations: wc.notes?.auditAnnotations };
    await this.admit(attrs);
    this.validate(next, cur);
    await this.validateAdmission(attrs);
    const undo = !subresource ? await this.strategy.beforeUpdate?.(next, cur, this.ctx(wc.dryRun)) : undefined;
    next.metadata.managedFields = recordWriteOwnership(cur, next, wc, { kind: this.info.kind, subresource: subresource === 'status' ? 'status' : undefined, now: this.d.clock.now() }).metadata.managedFields;
    pruneMeta(next);
    // A no-op write stores nothing and keeps the resourceVersion, as upstream (unless the stored
    // form is stale, e.g. sealed with an old encryption key: then the rewrite is the point).
    if (!stale && this.sameStored(next, cur)) {
      if (undo) await undo();
      return cur;
    }
    if (wc.dryRun) {
      if (undo) await undo();
      return next;
    }
    // 5. write, or finish a pending deletion
    try {
      if (next.metadata.deletionTimestamp && this.deletionDone(next)) {
        await this.d.storage.delete(this.key(cur.metadata.namespace, name), rev);
        await this.strategy.afterDelete?.(next);
        return next;
      }
      const newRev = await this.d.storage.update(this.key(cur.metadata.namespace, name), next, rev);
      next.metadata.resourceVersion = String(newRev);
      return next;
    } catch (err) {
      if (undo) await undo().catch(() => {});
      throw err;
    }
  }

  /**
   * pods/binding: sets `spec.nodeName` (which no update may change) and PodScheduled=True.
   * 409 when the pod is already bound or being deleted.
   */
  async bindPod(namespace: string, name: string, node: string, nowStr: string, wc: WriteContext): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.getVersioned(namespace, name);
      const pod = this.withTypeMeta(clone(cur.obj)) as KubeObject & { spec: { nodeName?: string }; status?: { conditions?: { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: null }[] } };
      if (pod.spec.nodeName) throw errors.conflict(this.info, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      if (pod.metadata.deletionTimestamp) throw errors.conflict(this.info, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      pod.spec.nodeName = node;
      pod.status ??= {};
      const conds = (pod.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowStr });
      pod.status.conditions = conds;
      if (wc.dryRun) return pod;
      try {
        const rev = await this.d.storage.update(cur.key, pod, cur.rev);
        pod.metadata.resourceVersion = String(rev);
        return pod;
      } catch (err) {
        if (err instanceof StorageError && err.code === 'Conflict' && attempt < 10) continue;
        mapStorageError(this.info, name, err);
      }
    }
  }

  private sameStored(a: KubeObject, b: KubeObject): boolean {
    const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
    return jsonEqual(strip(a), strip(b));
  }

  /** A marked object goes once no finalizer or kind-specific hold remains and no grace period runs. */
  private deletionDone(obj: KubeObject): boolean {
    if ((obj.metadata.finalizers?.length ?? 0) > 0) return false;
    if (this.strategy.holdsDeletion?.(obj)) return false;
    return (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;
  }

  /**
   * Delete: 1. preconditions; 2. grace period (pods); 3. propagation finalizers;
   * 4. mark (deletionTimestamp) when something holds the object, else remove it.
   * Returns the object and whether it is gone.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions, wc: WriteContext): Promise<{ obj: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.getVersioned(namespace, name);
      const obj = this.withTypeMeta(clone(cur.obj));
      // 1. preconditions
      if (opts.preconditions?.uid && opts.preconditions.uid !== obj.metadata.uid) {
        throw errors.conflict(this.info, name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== String(cur.rev)) {
        throw errors.conflict(this.info, name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${cur.rev}`);
      }
      const refusal = this.strategy.refuseDelete?.(obj);
      if (refusal) throw errors.forbidden(this.info, name, refusal);
      await this.d.admission.validate({ operation: 'DELETE', resource: this.info, namespace, name, object: obj, oldObject: obj, user: wc.user, dryRun: wc.dryRun });
      const now = this.d.clock.now();
      // 2. grace period
      const grace = this.strategy.gracePeriod?.(obj, opts) ?? 0;
      let changed = false;
      if (obj.metadata.deletionTimestamp) {
        // Already marked: only a shorter grace period changes anything.
        const curGrace = obj.metadata.deletionGracePeriodSeconds ?? 0;
        if (grace < curGrace) {
          obj.metadata.deletionGracePeriodSeconds = grace;
          obj.metadata.deletionTimestamp = rfc3339(now + grace * 1000);
          changed = true;
        }
      } else {
        obj.metadata.deletionTimestamp = rfc3339(now + grace * 1000);
        obj.metadata.deletionGracePeriodSeconds = grace;
        obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
        changed = true;
      }
      // 3. propagation policy → finalizers (recorded for the garbage collector)
      const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
      const fin = new Set(obj.metadata.finalizers ?? []);
      if (policy === 'Foreground' && !fin.has('foregroundDeletion')) {
        fin.add('foregroundDeletion');
        fin.delete('orphan');
        changed = true;
      } else if (policy === 'Orphan' && !fin.has('orphan')) {
        fin.add('orphan');
        fin.delete('foregroundDeletion');
        changed = true;
      }
      obj.metadata.finalizers = [...fin];
      const holds = fin.size > 0 || grace > 0 || (this.strategy.holdsDeletion?.(obj) ?? false);
      if (wc.dryRun) return { obj, deleted: !holds };
      try {
        if (holds) {
          // 4a. mark and keep
          this.strategy.onDeleteMarked?.(obj);
          if (changed) {
            pruneMeta(obj);
            const rev = await this.d.storage.update(cur.key, obj, cur.rev);
            obj.metadata.resourceVersion = String(rev);
          }
          return { obj, deleted: false };
        }
        // 4b. remove
        const rev = await this.d.storage.delete(cur.key, cur.rev);
        obj.metadata.resourceVersion = String(rev);
        await this.strategy.afterDelete?.(obj).catch((e: Error) => this.d.logger.error({ err: e.message, name }, 'release after delete failed'));
        return { obj, deleted: true };
      } catch (err) {
        if (err instanceof StorageError && (err.code === 'Conflict') && attempt < 10) continue;
        mapStorageError(this.info, name, err);
      }
    }
  }
}
