// FakeClientset: an in-memory apiserver stand-in for unit tests — resourceVersions, uid,
// generateName, 404/409 errors, label/field selectors, watch, status/binding/eviction
// subresources, recorded actions and injectable reactors.
import { randomUUID } from 'node:crypto';
import type { DeleteOptions, KubeList, KubeObject, Status, WatchEvent } from '../api/types/index.js';
import { parseSelector } from '../api/labels.js';
import { fieldsOf, parseFieldSelector } from '../api/fields.js';
import { applyPatchByContentType } from '../api/patch/index.js';
import { ApiError, PATCH_CONTENT_TYPES, type Clientset, type ListOptions, type PatchType, type ResourceClient, type ResourceRef, type WriteOptions } from './interfaces.js';
import { apiVersionOf } from './resources.js';

/** One recorded call. */
export interface FakeAction {
  verb: 'list' | 'get' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'watch';
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  body?: unknown;
}

/** A reactor may answer a call (return a value) or throw; returning undefined passes on. */
export type Reactor = (action: FakeAction) => unknown;

interface Watcher {
  resource: string;
  namespace?: string;
  push(ev: WatchEvent<KubeObject>): void;
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeClientset implements Clientset {
  readonly actions: FakeAction[] = [];
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Set<Watcher>();
  private readonly reactors: { verb: string; resource: string; fn: Reactor }[] = [];
  private readonly refs = new Map<string, ResourceRef>();

  /** Answers `verb` on `resource` ("*" matches any) before the store does. */
  prependReactor(verb: string, resource: string, fn: Reactor): void {
    this.reactors.unshift({ verb, resource, fn });
  }

  /** Puts objects in place without recording actions. */
  seed(ref: ResourceRef, objects: KubeObject[]): void {
    this.refs.set(ref.resource, ref);
    for (const o of objects) {
      const c = clone(o);
      c.apiVersion ??= apiVersionOf(ref);
      c.kind ??= ref.kind;
      c.metadata.uid ??= randomUUID();
      c.metadata.resourceVersion = String(++this.rv);
      this.bucket(ref.resource).set(this.key(ref, c.metadata.namespace, c.metadata.name!), c);
    }
  }

  /** Current stored objects of a resource (copies). */
  stored(resource: string): KubeObject[] {
    return [...this.bucket(resource).values()].map(clone);
  }

  /** Clears recorded actions. */
  clearActions(): void {
    this.actions.length = 0;
  }

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    this.refs.set(ref.resource, ref);
    return new FakeResourceClient(this, ref) as unknown as ResourceClient<T>;
  }

  // ---- internals used by FakeResourceClient ----

  bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }

  key(ref: ResourceRef, ns: string | undefined, name: string): string {
    return ref.namespaced ? `${ns ?? ''}/${name}` : name;
  }

  record(a: FakeAction): { handled: boolean; value?: unknown } {
    this.actions.push(a);
    for (const r of this.reactors) {
      if ((r.verb === '*' || r.verb === a.verb) && (r.resource === '*' || r.resource === a.resource)) {
        const v = r.fn(a);
        if (v !== undefined) return { handled: true, value: v };
      }
    }
    return { handled: false };
  }

  nextRV(): string {
    return String(++this.rv);
  }

  emit(resource: string, ev: WatchEvent<KubeObject>): void {
    for (const w of this.watchers) if (w.resource === resource && (!w.namespace || w.namespace === ev.object.metadata.namespace)) w.push(clone(ev));
  }

  addWatcher(w: Watcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}

function notFound(ref: ResourceRef, name: string): ApiError {
  const group = ref.group ? `.${ref.group}` : '';
  return new ApiError(404, 'NotFound', `${ref.resource}${group} "${name}" not found`);
}

function matches(ref: ResourceRef, obj: KubeObject, opts: ListOptions): boolean {
  if (opts.labelSelector && !parseSelector(opts.labelSelector).matches(obj.metadata.labels)) return false;
  if (opts.fieldSelector && !parseFieldSelector(opts.fieldSelector).matches(fieldsOf(ref.resource, obj))) return false;
  return true;
}

class FakeResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(private readonly f: FakeClientset, readonly ref: ResourceRef) {}

  private b(): Map<string, KubeObject> {
    return this.f.bucket(this.ref.resource);
  }

  async list(ns: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    const r = this.f.record({ verb: 'list', resource: this.ref.resource, namespace: ns });
    if (r.handled) return r.value as KubeList<T>;
    const items = [...this.b().values()].filter((o) => (!this.ref.namespaced || !ns || o.metadata.namespace === ns) && matches(this.ref, o, opts));
    return { apiVersion: apiVersionOf(this.ref), kind: `${this.ref.kind}List`, metadata: { resourceVersion: this.f.nextRV() }, items: items.map(clone) as T[] };
  }

  async get(ns: string | undefined, name: string): Promise<T> {
    const r = this.f.record({ verb: 'get', resource: this.ref.resource, namespace: ns, name });
    if (r.handled) return r.value as T;
    const o = this.b().get(this.f.key(this.ref, ns, name));
    if (!o) throw notFound(this.ref, name);
    return clone(o) as T;
  }

  async create(ns: string | undefined, obj: T, _opts?: WriteOptions): Promise<T> {
    const o = clone(obj) as KubeObject;
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + Math.random().toString(36).slice(2, 7);
    const r = this.f.record({ verb: 'create', resource: this.ref.resource, namespace: ns, name: o.metadata.name, body: clone(o) });
    if (r.handled) return r.value as T;
    if (this.ref.namespaced) o.metadata.namespace = ns ?? o.metadata.namespace;
    const key = this.f.key(this.ref, o.metadata.namespace, o.metadata.name!);
    if (this.b().has(key)) throw new ApiError(409, 'AlreadyExists', `${this.ref.resource} "${o.metadata.name}" already exists`);
    o.apiVersion ??= apiVersionOf(this.ref);
    o.kind ??= this.ref.kind;
    o.metadata.uid = randomUUID();
    o.metadata.resourceVersion = this.f.nextRV();
    o.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    o.metadata.generation = 1;
    this.b().set(key, o);
    this.f.emit(this.ref.resource, { type: 'ADDED', object: o });
    return clone(o) as T;
  }

  private write(ns: string | undefined, obj: KubeObject, sub: string | undefined, verb: 'update' | 'patch'): T {
    const key = this.f.key(this.ref, ns ?? obj.metadata.namespace, obj.metadata.name!);
    const cur = this.b().get(key);
    if (!cur) throw notFound(this.ref, obj.metadata.name!);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${this.ref.resource} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    let next: KubeObject;
    if (sub === 'status') next = { ...clone(cur), status: clone(obj.status) };
    else {
      next = clone(obj);
      if ('status' in cur && verb === 'update') next.status = clone(cur.status);
      next.metadata.uid = cur.metadata.uid;
      next.metadata.creationTimestamp = cur.metadata.creationTimestamp;
      const specChanged = JSON.stringify(next.spec) !== JSON.stringify(cur.spec);
      next.metadata.generation = (cur.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    next.metadata.resourceVersion = this.f.nextRV();
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length)) {
      this.b().delete(key);
      this.f.emit(this.ref.resource, { type: 'DELETED', object: next });
      return clone(next) as T;
    }
    this.b().set(key, next);
    this.f.emit(this.ref.resource, { type: 'MODIFIED', object: next });
    return clone(next) as T;
  }

  async update(ns: string | undefined, obj: T, _opts?: WriteOptions): Promise<T> {
    const r = this.f.record({ verb: 'update', resource: this.ref.resource, namespace: ns, name: obj.metadata.name, body: clone(obj) });
    if (r.handled) return r.value as T;
    return this.write(ns, obj, undefined, 'update');
  }

  async updateStatus(ns: string | undefined, obj: T, _opts?: WriteOptions): Promise<T> {
    const r = this.f.record({ verb: 'update', resource: this.ref.resource, namespace: ns, name: obj.metadata.name, subresource: 'status', body: clone(obj) });
    if (r.handled) return r.value as T;
    return this.write(ns, obj, 'status', 'update');
  }

  async updateSubresource(ns: string | undefined, obj: T, subresource: string, _opts?: WriteOptions): Promise<T> {
    const r = this.f.record({ verb: 'update', resource: this.ref.resource, namespace: ns, name: obj.metadata.name, subresource, body: clone(obj) });
    if (r.handled) return r.value as T;
    return this.write(ns, obj, subresource === 'status' ? 'status' : undefined, 'update');
  }

  async patch(ns: string | undefined, name: string, type: PatchType, body: unknown, opts?: WriteOptions & { subresource?: string }): Promise<T> {
    const r = this.f.record({ verb: 'patch', resource: this.ref.resource, namespace: ns, name, subresource: opts?.subresource, body: clone(body) });
    if (r.handled) return r.value as T;
    const cur = this.b().get(this.f.key(this.ref, ns, name));
    if (!cur) throw notFound(this.ref, name);
    const ct = type === 'apply' ? PATCH_CONTENT_TYPES.merge : PATCH_CONTENT_TYPES[type];
    const next = applyPatchByContentType(ct, clone(cur), body, this.ref.kind) as KubeObject;
    const patchedRV = (body as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    next.metadata.resourceVersion = patchedRV ?? cur.metadata.resourceVersion;
    return this.write(ns, next, opts?.subresource === 'status' ? 'status' : undefined, 'patch');
  }

  async delete(ns: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status> {
    const r = this.f.record({ verb: 'delete', resource: this.ref.resource, namespace: ns, name, body: opts });
    if (r.handled) return r.value as T;
    const key = this.f.key(this.ref, ns, name);
    const cur = this.b().get(key);
    if (!cur) throw notFound(this.ref, name);
    if (opts?.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw new ApiError(409, 'Conflict', 'Precondition failed: UID');
    if (cur.metadata.finalizers?.length) {
      const next = clone(cur);
      next.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      next.metadata.resourceVersion = this.f.nextRV();
      this.b().set(key, next);
      this.f.emit(this.ref.resource, { type: 'MODIFIED', object: next });
      return clone(next) as T;
    }
    this.b().delete(key);
    cur.metadata.resourceVersion = this.f.nextRV();
    this.f.emit(this.ref.resource, { type: 'DELETED', object: cur });
    return clone(cur) as T;
  }

  async deleteCollection(ns: string | undefined, opts: ListOptions & DeleteOptions = {}): Promise<KubeList<T> | Status> {
    const r = this.f.record({ verb: 'deletecollection', resource: this.ref.resource, namespace: ns });
    if (r.handled) return r.value as KubeList<T>;
    const list = await this.list(ns, opts);
    for (const o of list.items) await this.delete(o.metadata.namespace, o.metadata.name!);
    return list;
  }

  watch(ns: string | undefined, _opts: ListOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    this.f.record({ verb: 'watch', resource: this.ref.resource, namespace: ns });
    const queue: WatchEvent<T>[] = [];
    let wake: (() => void) | undefined;
    const remove = this.f.addWatcher({
      resource: this.ref.resource,
      namespace: this.ref.namespaced ? ns : undefined,
      push: (ev) => {
        if (_opts.labelSelector || _opts.fieldSelector) if (!matches(this.ref, ev.object, _opts)) return;
        queue.push(ev as WatchEvent<T>);
        wake?.();
      },
    });
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<WatchEvent<T>>> => {
          while (!queue.length) {
            if (signal.aborted) {
              remove();
              return { done: true, value: undefined };
            }
            await new Promise<void>((r) => {
              wake = r;
              signal.addEventListener('abort', () => r(), { once: true });
            });
          }
          return { done: false, value: queue.shift()! };
        },
        return: async () => {
          remove();
          return { done: true, value: undefined };
        },
      }),
    };
  }

  async createSubresource(ns: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown> {
    const r = this.f.record({ verb: 'create', resource: this.ref.resource, namespace: ns, name, subresource, body: clone(body) });
    if (r.handled) return r.value;
    const key = this.f.key(this.ref, ns, name);
    const cur = this.b().get(key);
    if (!cur) throw notFound(this.ref, name);
    if (subresource === 'binding') {
      const spec = cur.spec as { nodeName?: string };
      if (spec.nodeName) throw new ApiError(409, 'Conflict', `pod ${name} is already assigned to node "${spec.nodeName}"`);
      const next = clone(cur);
      (next.spec as { nodeName?: string }).nodeName = (body as { target: { name: string } }).target.name;
      next.metadata.resourceVersion = this.f.nextRV();
      this.b().set(key, next);
      this.f.emit(this.ref.resource, { type: 'MODIFIED', object: next });
    } else if (subresource === 'eviction') {
      await this.delete(ns, name);
    }
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }
}
