// The garbage collector's view of ownership: every watched object by uid, and for every uid the
// uids of objects that name it in their ownerReferences (an owner need not exist to have dependents).
import type { KubeObject } from '../../api/types/index.js';
import type { ResourceRef } from '../../client/interfaces.js';

/** One watched object: its resource and its last known state. */
export interface GraphNode {
  ref: ResourceRef;
  obj: KubeObject;
}

/** Contract: `upsert`/`remove` follow informer events; lookups never do I/O. */
export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Records `obj` (replacing its previous state) and re-files it under its owners. */
  upsert(ref: ResourceRef, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const old = this.nodes.get(uid);
    if (old) this.unfile(uid, old.obj);
    this.nodes.set(uid, { ref, obj });
    for (const r of obj.metadata.ownerReferences ?? []) {
      let s = this.dependents.get(r.uid);
      if (!s) this.dependents.set(r.uid, (s = new Set()));
      s.add(uid);
    }
  }

  /** Forgets `obj` (its dependents stay filed under its uid, now dangling). */
  remove(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const old = this.nodes.get(uid);
    if (!old) return;
    this.unfile(uid, old.obj);
    this.nodes.delete(uid);
  }

  /** Known objects naming `uid` as an owner. */
  dependentsOf(uid: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const d of this.dependents.get(uid) ?? []) {
      const n = this.nodes.get(d);
      if (n) out.push(n.obj);
    }
    return out;
  }

  /** Uids of objects naming `uid` as an owner. */
  dependentUids(uid: string): string[] {
    return [...(this.dependents.get(uid) ?? [])];
  }

  size(): number {
    return this.nodes.size;
  }

  private unfile(uid: string, obj: KubeObject): void {
    for (const r of obj.metadata.ownerReferences ?? []) {
      const s = this.dependents.get(r.uid);
      if (!s) continue;
      s.delete(uid);
      if (s.size === 0) this.dependents.delete(r.uid);
    }
  }
}
