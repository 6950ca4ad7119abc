// REST handlers for resource requests: get/list/watch/create/update/patch/delete/deletecollection
// and the subresources (status, scale, binding, eviction, finalize, log, exec, attach, portforward).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions, KubeList, KubeObject, Pod } from '../../api/types/index.js';
import { applyConflictMessage, applyPatchByContentType, applyPatch as serverSideApply, PatchError, UnsupportedPatchError } from '../../api/patch/index.js';
import { validateUnknownFields } from '../../api/validation/index.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { UserInfo } from '../admission/interface.js';
import { errors, StatusError, successStatus } from '../errors.js';
import type { RequestInfo } from '../request-info.js';
import type { ResourceReader, ListQuery } from '../registry/reader.js';
import type { ResourceStore, WriteContext } from '../registry/store.js';
import type { ResourceInfo } from '../registry/resources.js';
import { decodeBody, readBody, requireObject } from './body.js';
import { outputForm, type OutputForm } from './negotiate.js';
import { includeObjectOf, renderList, renderObject, writeJSON, writeStatus } from './respond.js';
import { serveWatch, type WatchMetrics } from './watch-stream.js';
import { clone } from '../registry/object-meta.js';
import type { LogProxy } from './log-proxy.js';
import type { PodStreamProxy } from './pod-stream.js';
import { notesFor } from '../request-notes.js';
import type { StorageView } from '../registry/view.js';
import { groupVersion } from '../registry/resources.js';
import { managerFromUserAgent } from '../registry/field-ownership.js';

/** One served resource: its write side and read side. */
export interface ServedResource {
  info: ResourceInfo;
  store: ResourceStore;
  reader: ResourceReader;
  /** Set when this version is stored as another resource (events.k8s.io/v1 over core/v1 Events). */
  view?: StorageView;
}

export interface ResourceHandlerDeps {
  find(group: string, version: string, resource: string): ServedResource | undefined;
  clock: Clock;
  logger: Logger;
  logs: LogProxy;
  /** pods/exec, pods/attach, pods/portforward. */
  streams?: PodStreamProxy;
  watchMetrics?: WatchMetrics;
}

const PATCH_TYPES = new Set(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);

function mediaType(ct: string | undefined): string {
  return (ct ?? '').split(';')[0]!.trim().toLowerCase();
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return n;
}

function listQuery(info: RequestInfo, q: URLSearchParams): ListQuery {
  return {
    namespace: info.namespace,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: intParam(q, 'limit'),
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  };
}

function writeContext(q: URLSearchParams, user: UserInfo, req?: IncomingMessage): WriteContext {
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return {
    dryRun: dry.includes('All'), fieldManager: q.get('fieldManager') ?? undefined, defaultManager: managerFromUserAgent(req?.headers['user-agent']),
    user, notes: req ? notesFor(req) : undefined,
  };
}

/** Applies `fieldValidation`: Strict → 400 on unknown fields; Warn (default) → Warning headers. */
function checkUnknownFields(res: ServerResponse, q: URLSearchParams, resource: string, body: KubeObject): void {
  const mode = q.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') throw errors.badRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  if (mode === 'Ignore') return;
  const unknown = validateUnknownFields(resource, body);
  if (!unknown.length) return;
  if (mode === 'Strict') throw errors.badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  res.setHeader('Warning', unknown.map((f) => `299 - "unknown field \\"${f}\\""`));
}

function checkTypeMeta(r: ResourceInfo, body: Record<string, unknown>): void {
  const gv = r.group ? `${r.group}/${r.version}` : r.version;
  if (body.apiVersion !== undefined && body.apiVersion !== gv) {
    throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (body.kind !== undefined && body.kind !== r.kind) {
    throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${r.kind})`);
  }
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || body.metadata === null || Array.isArray(body.metadata))) {
    throw errors.badRequest('metadata must be an object');
  }
}

async function readObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const buf = await readBody(req);
  return requireObject(decodeBody(buf, req.headers['content-type']));
}

function deleteOptions(q: URLSearchParams, body: Record<string, unknown> | undefined): DeleteOptions {
  const opts: DeleteOptions = { ...(body ?? {}) } as DeleteOptions;
  const g = intParam(q, 'gracePeriodSeconds');
  if (g !== undefined) opts.gracePeriodSeconds = g;
  const p = q.get('propagationPolicy');
  if (p) opts.propagationPolicy = p as DeleteOptions['propagationPolicy'];
  const o = q.get('orphanDependents');
  if (o) opts.orphanDependents = o === 'true';
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return opts;
}

/** The Scale view of a workload. */
function toScale(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof selectorFromLabelSelector>[0] };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: spec.selector ? selectorFromLabelSelector(spec.selector).toString() : '' },
  };
}

/** A stored list as the served version shows it. */
function viewList(view: StorageView, r: ResourceInfo, list: KubeList): KubeList {
  return { ...list, apiVersion: groupVersion(r), kind: `${r.kind}List`, items: list.items.map((o) => view.fromStorage(o)) };
}

export class ResourceHandler {
  constructor(private readonly d: ResourceHandlerDeps) {}

  /** Serves one resource request; every failure becomes a Status response. */
  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, q: URLSearchParams, user: UserInfo): Promise<void> {
    const served = this.d.find(info.group, info.version, info.resource);
    if (!served) throw errors.notServed({ group: info.group, resource: info.resource }, info.path);
    try {
      await this.serve(req, res, served, info, q, user);
    } catch (err) {
      throw served.view ? served.view.retarget(err) : err;
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: RequestInfo, q: URLSearchParams, user: UserInfo): Promise<void> {
    const r = served.info;
    if (r.namespaced && info.name !== undefined && !info.namespace && info.resource !== 'namespaces') throw errors.notFoundPath(info.path);
    if (!r.namespaced && info.namespace) throw errors.notFoundPath(info.path);
    if (info.subresource) {
      const sub = r.subresources.find((s) => s.name === info.subresource);
      if (!sub) throw errors.notFoundPath(info.path);
      return this.handleSubresource(req, res, served, info, q, user);
    }
    const form = this.form(req);
    const view = served.view;
    // Tables are rendered from the stored shape (upstream prints the internal object); the other
    // forms show the served version.
    const render = (obj: KubeObject) => renderObject(r.resource, view && form !== 'table' ? view.fromStorage(obj) : obj, form, this.d.clock.now(), includeObjectOf(q));
    const renderL = (list: KubeList) => renderList(r.resource, view && form !== 'table' ? viewList(view, r, list) : list, form, this.d.clock.now(), includeObjectOf(q));
    const toStorage = (obj: KubeObject) => (view ? view.toStorage(obj) : obj);
    const query = () => {
      const lq = listQuery(info, q);
      if (view && lq.fieldSelector) lq.fieldSelector = view.fieldSelector(lq.fieldSelector);
      return lq;
    };
    switch (info.verb) {
      case 'get': {
        const obj = await served.store.get(info.namespace, info.name!);
        return writeJSON(res, 200, render(obj));
      }
      case 'list': {
        const list = await served.reader.list(query());
        return writeJSON(res, 200, renderL(list));
      }
      case 'watch':
        return serveWatch(req, res, { reader: served.reader, info: r, query: query(), form, q, clock: this.d.clock, logger: this.d.logger, metrics: this.d.watchMetrics, view });
      case 'create': {
        if (info.name !== undefined) throw errors.methodNotAllowed();
        const body = await readObject(req);
        checkTypeMeta(r, body);
        checkUnknownFields(res, q, r.resource, body as KubeObject);
        view?.validateCreate(body as KubeObject);
        const obj = await served.store.create(info.namespace, toStorage(body as KubeObject), writeContext(q, user, req));
        return writeJSON(res, 201, render(obj));
      }
      case 'update': {
        if (info.name === undefined) throw errors.methodNotAllowed();
        const body = await readObject(req);
        checkTypeMeta(r, body);
        checkUnknownFields(res, q, r.resource, body as KubeObject);
        const { obj, created } = await served.store.update(info.namespace, info.name, toStorage(body as KubeObject), undefined, writeContext(q, user, req));
        return writeJSON(res, created ? 201 : 200, render(obj));
      }
      case 'patch': {
        if (info.name === undefined) throw errors.methodNotAllowed();
        const { obj, created } = await this.patch(req, res, served, info, q, user, undefined);
        return writeJSON(res, created ? 201 : 200, render(obj));
      }
      case 'delete': {
        const body = await this.optionalBody(req);
        const { obj } = await served.store.delete(info.namespace, info.name!, deleteOptions(q, body), writeContext(q, user, req));
        // A finished delete answers with the object as it was (upstream returns the object for most kinds).
        return writeJSON(res, 200, render(obj));
      }
      case 'deletecollection': {
        if (!r.verbs.includes('deletecollection')) throw errors.methodNotAllowed();
        const body = await this.optionalBody(req);
        const opts = deleteOptions(q, body);
        const wc = writeContext(q, user, req);
        const list = await served.reader.list({ ...query(), limit: undefined, continue: undefined });
        const items: KubeObject[] = [];
        for (const o of list.items) {
          try {
            items.push((await served.store.delete(o.metadata.namespace, o.metadata.name!, opts, wc)).obj);
          } catch (err) {
            if (!(err instanceof StatusError && err.code === 404)) throw err;
          }
        }
        const out = { ...list, items };
        return writeJSON(res, 200, view ? viewList(view, r, out) : out);
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  private form(req: IncomingMessage): OutputForm {
    const f = outputForm(req.headers.accept);
    if (f === 'unsupported') throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml');
    return f;
  }

  private async optionalBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    const buf = await readBody(req);
    if (buf.length === 0 || buf.toString().trim() === '') return undefined;
    return requireObject(decodeBody(buf, req.headers['content-type']));
  }

  /** PATCH of the object or its status: decode by content type, apply to the current object, write with CAS (retrying). */
  private async patch(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: RequestInfo, q: URLSearchParams, user: UserInfo, subresource: string | undefined): Promise<{ obj: KubeObject; created: boolean }> {
    const ct = mediaType(req.headers['content-type']);
    if (!PATCH_TYPES.has(ct)) throw errors.unsupportedMediaType(ct);
    const buf = await readBody(req);
    const patchBody = decodeBody(buf, ct);
    if (ct === 'application/json-patch+json' && !Array.isArray(patchBody)) {
      throw errors.badRequest('the request body of a json patch must be a JSON array of operations');
    }
    if (ct !== 'application/json-patch+json') requireObject(patchBody, 'object');
    const wc = writeContext(q, user, req);
    const r = served.info;
    const view = served.view;
    // With a view, patches apply to the served version: convert the stored object out and back.
    const viewed = (mutate: (cur: KubeObject | undefined) => KubeObject) => (cur: KubeObject | undefined) =>
      view ? view.toStorage(mutate(cur && view.fromStorage(cur))) : mutate(cur);
    if (ct === 'application/apply-patch+yaml') {
      const applied = patchBody as KubeObject;
      checkTypeMeta(r, applied as unknown as Record<string, unknown>);
      if (applied.metadata?.name && applied.metadata.name !== info.name) throw errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${info.name})`);
      checkUnknownFields(res, q, r.resource, applied);
      const manager = wc.fieldManager;
      if (!manager) throw errors.badRequest('PATCH requests with application/apply-patch+yaml must set the fieldManager parameter');
      const force = q.get('force') === 'true';
      return served.store.guaranteedUpdate(
        info.namespace,
        info.name!,
        viewed((cur) => {
          const out = serverSideApply(cur, clone(applied), { manager, force, kind: r.kind, subresource, now: this.d.clock.now() });
          if (out.conflicts?.length) {
            const causes = out.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"${c.apiVersion ? ` using ${c.apiVersion}` : ''}`, field: c.field }));
            throw new StatusError({
              kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict',
              message: applyConflictMessage(out.conflicts),
              details: { name: info.name, group: r.group || undefined, kind: r.resource, causes },
            });
          }
          const result = out.result as KubeObject;
          if (cur) result.metadata.resourceVersion = undefined;
          return result;
        }),
        { subresource, wc: { ...wc, applying: true }, createIfAbsent: !subresource },
      );
    }
    return served.store.guaranteedUpdate(
      info.namespace,
      info.name!,
      viewed((cur) => {
        const base = cur!;
        const rv = base.metadata.resourceVersion;
        let patched: KubeObject;
        try {
          patched = applyPatchByContentType(ct, base, patchBody, r.kind) as KubeObject;
        } catch (err) {
          throw this.patchError(err, r, info.name!);
        }
        if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw errors.badRequest('the patch produced something that is not an object');
        checkUnknownFields(res, q, r.resource, patched);
        // A patch that sets resourceVersion asks for compare-and-swap on it; otherwise retry on conflict.
        if (patched.metadata?.resourceVersion === rv) patched.metadata.resourceVersion = undefined;
        return patched;
      }),
      { subresource, wc },
    );
  }

  private patchError(err: unknown, r: ResourceInfo, name: string): StatusError {
    if (err instanceof StatusError) return err;
    if (err instanceof UnsupportedPatchError) return errors.unsupportedMediaType(err.contentType);
    if (err instanceof PatchError) {
      if (err.code === 400) return errors.badRequest(err.message);
      return errors.invalid(r.kind, r.group, name, [{ reason: 'FieldValueInvalid', message: err.message }]);
    }
    return errors.badRequest((err as Error)?.message ?? String(err));
  }

  private async handleSubresource(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: RequestInfo, q: URLSearchParams, user: UserInfo): Promise<void> {
    const r = served.info;
    const name = info.name!;
    const now = this.d.clock.now();
    const wc = () => writeContext(q, user, req);
    switch (info.subresource) {
      case 'status': {
        if (info.verb === 'get') return writeJSON(res, 200, await served.store.get(info.namespace, name));
        if (info.verb === 'update') {
          const body = await readObject(req);
          checkTypeMeta(r, body);
          const { obj } = await served.store.update(info.namespace, name, body as KubeObject, 'status', wc());
          return writeJSON(res, 200, obj);
        }
        if (info.verb === 'patch') {
          const { obj } = await this.patch(req, res, served, info, q, user, 'status');
          return writeJSON(res, 200, obj);
        }
        throw errors.methodNotAllowed();
      }
      case 'scale': {
        if (info.verb === 'get') return writeJSON(res, 200, toScale(await served.store.get(info.namespace, name)));
        if (info.verb !== 'update' && info.verb !== 'patch') throw errors.methodNotAllowed();
        const ct = mediaType(req.headers['content-type']);
        const body = info.verb === 'update' ? await readObject(req) : decodeBody(await readBody(req), ct);
        if (info.verb === 'patch' && !PATCH_TYPES.has(ct)) throw errors.unsupportedMediaType(ct);
        const { obj } = await served.store.guaranteedUpdate(
          info.namespace,
          name,
          (cur) => {
            const scale = toScale(cur!);
            let next: KubeObject;
            if (info.verb === 'update') next = body as KubeObject;
            else {
              try {
                next = applyPatchByContentType(ct === 'application/apply-patch+yaml' ? 'application/merge-patch+json' : ct, scale, body, 'Scale') as KubeObject;
              } catch (err) {
                throw this.patchError(err, r, name);
              }
            }
            const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas;
            if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
              throw errors.invalid('Scale', 'autoscaling', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
            }
            const out = cur!;
            (out.spec as { replicas?: number }).replicas = replicas;
            const wantRV = next.metadata?.resourceVersion;
            out.metadata.resourceVersion = info.verb === 'update' && wantRV ? wantRV : undefined;
            return out;
          },
          { wc: wc() },
        );
        return writeJSON(res, 200, toScale(obj));
      }
      case 'binding':
        return this.bind(req, res, served, info, user);
      case 'eviction': {
        if (info.verb !== 'create') throw errors.methodNotAllowed();
        const body = await readObject(req);
        const opts = (body.deleteOptions ?? {}) as DeleteOptions;
        await served.store.delete(info.namespace, name, opts, wc());
        return writeJSON(res, 201, successStatus());
      }
      case 'finalize': {
        if (info.verb !== 'update') throw errors.methodNotAllowed();
        const body = await readObject(req);
        const finalizers = ((body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => typeof f === 'string');
        const { obj } = await served.store.guaranteedUpdate(
          undefined,
          name,
          (cur) => {
            const out = cur!;
            // An empty list (not a missing one) records that finalization is done.
            out.spec = { ...((out.spec as object) ?? {}), finalizers };
            const rv = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
            out.metadata.resourceVersion = rv || undefined;
            return out;
          },
          { subresource: 'finalize', wc: wc() },
        );
        return writeJSON(res, 200, obj);
      }
      case 'log': {
        if (info.verb !== 'get') throw errors.methodNotAllowed();
        const pod = (await served.store.get(info.namespace, name)) as Pod;
        return this.d.logs.serve(req, res, pod, q);
      }
      case 'exec':
      case 'attach':
      case 'portforward': {
        if (info.verb !== 'get' && info.verb !== 'create') throw errors.methodNotAllowed();
        if (!this.d.streams) throw errors.notFoundPath(info.path);
        const pod = (await served.store.get(info.namespace, name)) as Pod;
        return this.d.streams.serve(req, res, pod, info.subresource, q);
      }
      default:
        void now;
        throw errors.notFoundPath(info.path);
    }
  }

  /** pods/binding: sets spec.nodeName once, with PodScheduled=True; 409 when already bound. */
  private async bind(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: RequestInfo, user: UserInfo): Promise<void> {
    if (info.verb !== 'create') throw errors.methodNotAllowed();
    const body = await readObject(req);
    const target = body.target as { name?: string; kind?: string } | undefined;
    if (!target?.name) throw errors.invalid('Binding', '', info.name!, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
    const nowStr = new Date(Math.floor(this.d.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    await served.store.bindPod(info.namespace!, info.name!, target.name, nowStr, { dryRun: false, user });
    writeJSON(res, 201, successStatus());
  }
}
