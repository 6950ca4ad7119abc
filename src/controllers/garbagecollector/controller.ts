// The garbage collector: watches every resource that can own or be owned, keeps an ownership graph,
// and applies the pure decisions of classify.ts: dangling dependents are deleted (Background),
// dependents of a foreground-deleting owner are deleted before it (blockOwnerDeletion holds the
// owner), `orphan` owners first strip their uid from dependents; then the finalizer goes.
import type { KubeObject, OwnerReference } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isConflict, isNotFound, type ResourceClient, type ResourceRef } from '../../client/interfaces.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';
import { decide, hasFinalizer, isDeleting, refTo, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type GcAction, type OwnerState } from './classify.js';
import { OwnerGraph } from './graph.js';
import { gcResources, resourceForOwner } from './resources.js';

/** Options: which resources to watch (default: every served one). */
export interface GarbageCollectorOptions {
  resources?: ResourceRef[];
}

/** Contract: a Runnable + Reconciler over object uids. */
export class GarbageCollector {
  readonly name = 'garbagecollector';
  readonly queue: WorkQueue<string>;
  readonly graph = new OwnerGraph();
  private readonly resources: ResourceRef[];
  private readonly informers: Informer[] = [];
  private readonly log: Logger;

  constructor(private readonly ctx: ControllerContext, o: GarbageCollectorOptions = {}) {
    this.queue = ctx.newQueue(this.name);
    this.log = ctx.logger.child({ controller: this.name });
    this.resources = o.resources ?? gcResources();
    for (const ref of this.resources) {
      const inf = ctx.informers.informerFor(ref);
      inf.addEventHandler({
        onAdd: (obj) => this.observe(ref, undefined, obj),
        onUpdate: (old, obj) => this.observe(ref, old, obj),
        onDelete: (obj) => this.observeDelete(obj),
      });
      this.informers.push(inf);
    }
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: this.informers }, signal);
  }

  /**
   * Graph maintenance and enqueueing: the object itself when it has owners or a propagation
   * finalizer and something relevant changed; its dependents when it starts deleting; its owners
   * that are deleting (they may be waiting for it).
   */
  private observe(ref: ResourceRef, old: KubeObject | undefined, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.graph.upsert(ref, obj);
    const m = obj.metadata;
    const relevant = !old || old.metadata.deletionTimestamp !== m.deletionTimestamp
      || JSON.stringify(old.metadata.ownerReferences ?? []) !== JSON.stringify(m.ownerReferences ?? [])
      || JSON.stringify(old.metadata.finalizers ?? []) !== JSON.stringify(m.finalizers ?? []);
    if (!relevant) return;
    if ((m.ownerReferences?.length ?? 0) > 0 || (isDeleting(obj) && hasPropagationFinalizer(obj))) this.queue.add(uid);
    if (isDeleting(obj) && (!old || !old.metadata.deletionTimestamp || hasPropagationFinalizer(obj))) for (const d of this.graph.dependentUids(uid)) this.queue.add(d);
    this.enqueueDeletingOwners([...(old?.metadata.ownerReferences ?? []), ...(m.ownerReferences ?? [])]);
  }

  private observeDelete(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.graph.remove(obj);
    for (const d of this.graph.dependentUids(uid)) this.queue.add(d);
    this.enqueueDeletingOwners(obj.metadata.ownerReferences ?? []);
  }

  private enqueueDeletingOwners(refs: OwnerReference[]): void {
    for (const r of refs) {
      const n = this.graph.get(r.uid);
      if (n && isDeleting(n.obj)) this.queue.add(r.uid);
    }
  }

  /**
   * Steps: 1. look the object up in the graph (gone: nothing to do); 2. classify each owner as
   * absent (verified by a live GET, since the graph may lag), solid or waiting; 3. decide; 4. act.
   */
  async reconcile(uid: string): Promise<{ requeueAfter?: number } | void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const { obj, ref } = node;
    const owners = new Map<string, OwnerState>();
    for (const r of obj.metadata.ownerReferences ?? []) owners.set(r.uid, await this.ownerState(obj, r));
    const action = decide({ obj, owners, dependents: this.graph.dependentsOf(uid) });
    if (action.kind !== 'none') this.log.debug({ uid, object: `${ref.resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, action: action.kind }, 'gc action');
    await this.act(ref, obj, action);
  }

  /** An owner is absent when neither the graph nor the apiserver has an object with its uid. */
  private async ownerState(dep: KubeObject, r: OwnerReference): Promise<OwnerState> {
    const n = this.graph.get(r.uid);
    if (n) return isDeleting(n.obj) && hasFinalizer(n.obj, FINALIZER_FOREGROUND) ? 'waiting' : 'solid';
    const ownerRef = resourceForOwner(this.resources, r);
    if (!ownerRef) return 'solid'; // a kind we cannot check is never treated as gone
    try {
      const live = await this.client(ownerRef).get(ownerRef.namespaced ? dep.metadata.namespace : undefined, r.name);
      if (live.metadata.uid !== r.uid) return 'absent';
      return isDeleting(live) && hasFinalizer(live, FINALIZER_FOREGROUND) ? 'waiting' : 'solid';
    } catch (e) {
      if (isNotFound(e)) return 'absent';
      throw e;
    }
  }

  private async act(ref: ResourceRef, obj: KubeObject, a: GcAction): Promise<void> {
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name!;
    const uid = obj.metadata.uid!;
    switch (a.kind) {
      case 'none':
      case 'waitForDependents':
        return;
      case 'removeRefs':
        return this.editOwnerRefs(ref, ns, name, uid, (refs) => refs.filter((r) => !a.uids.includes(r.uid)));
      case 'delete': {
        if (a.unblockUids?.length) {
          await this.editOwnerRefs(ref, ns, name, uid, (refs) => refs.map((r) => (a.unblockUids!.includes(r.uid) ? { ...r, blockOwnerDeletion: false } : r)));
        }
        try {
          await this.client(ref).delete(ns, name, { propagationPolicy: a.policy, preconditions: { uid } });
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
        return;
      }
      case 'orphanDependents': {
        for (const d of this.graph.dependentsOf(uid)) {
          const n = this.graph.get(d.metadata.uid!);
          if (!n || !refTo(d, uid)) continue;
          await this.editOwnerRefs(n.ref, d.metadata.namespace, d.metadata.name!, d.metadata.uid!, (refs) => refs.filter((r) => r.uid !== uid));
        }
        return this.removeFinalizer(ref, ns, name, uid, FINALIZER_ORPHAN);
      }
      case 'removeFinalizer':
        return this.removeFinalizer(ref, ns, name, uid, a.finalizer);
    }
  }

  /** Read-modify-write of an object's ownerReferences (compare-and-swap, retried on conflict). */
  private async editOwnerRefs(ref: ResourceRef, ns: string | undefined, name: string, uid: string, edit: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    await this.rmw(ref, ns, name, uid, (o) => {
      const before = o.metadata.ownerReferences ?? [];
      const after = edit(before);
      if (JSON.stringify(before) === JSON.stringify(after)) return false;
      o.metadata.ownerReferences = after.length ? after : undefined;
      return true;
    });
  }

  private async removeFinalizer(ref: ResourceRef, ns: string | undefined, name: string, uid: string, finalizer: string): Promise<void> {
    await this.rmw(ref, ns, name, uid, (o) => {
      if (!hasFinalizer(o, finalizer)) return false;
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      return true;
    });
  }

  /** GET, edit, PUT with the read resourceVersion; a vanished or replaced object ends quietly. */
  private async rmw(ref: ResourceRef, ns: string | undefined, name: string, uid: string, edit: (o: KubeObject) => boolean): Promise<void> {
    const c = this.client(ref);
    for (let attempt = 0; attempt < 5; attempt++) {
      let o: KubeObject;
      try {
        o = await c.get(ns, name);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (o.metadata.uid !== uid || !edit(o)) return;
      try {
        await c.update(ns, o);
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e)) throw e;
      }
    }
    throw new Error(`conflicts updating ${ref.resource} ${ns ?? ''}/${name}`);
  }

  private client(ref: ResourceRef): ResourceClient {
    return this.ctx.clientset.resource(ref);
  }
}

const hasPropagationFinalizer = (o: KubeObject): boolean => hasFinalizer(o, FINALIZER_ORPHAN) || hasFinalizer(o, FINALIZER_FOREGROUND);
