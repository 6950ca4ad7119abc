// OpenAPI v3 documents: enough for kubectl's default (strict) validation, which looks for a
// `patch` operation per kind with `x-kubernetes-group-version-kind` and a `fieldValidation`
// parameter, then lets the server validate. Schemas come from the validation schema tables.
import { createHash } from 'node:crypto';
import type { ResourceInfo, ResourceTable } from '../registry/resources.js';
import { patchMetaFor } from '../../api/patch/index.js';
import { groupVersion } from '../registry/resources.js';

/** Optional source of per-kind schemas (OpenAPI-style), for `kubectl explain`. */
export type SchemaSource = (kind: string) => Record<string, unknown> | undefined;

type SchemaNode = Record<string, unknown> & { properties?: Record<string, SchemaNode>; items?: SchemaNode; additionalProperties?: SchemaNode };

/**
 * Adds the strategic-merge extensions (`x-kubernetes-patch-strategy`, `-patch-merge-key`) that
 * kubectl's client-side apply reads from OpenAPI, from the same strategy table the server merges with.
 */
export function withPatchExtensions(kind: string, node: SchemaNode, path: string[] = []): SchemaNode {
  const out: SchemaNode = { ...node };
  if (path.length) {
    const meta = patchMetaFor(kind, path);
    if (meta && (meta.merge || meta.retainKeys)) {
      out['x-kubernetes-patch-strategy'] = [meta.merge ? 'merge' : '', meta.retainKeys ? 'retainKeys' : ''].filter(Boolean).join(',');
      if (meta.mergeKey) out['x-kubernetes-patch-merge-key'] = meta.mergeKey;
    }
  }
  if (node.properties) out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, withPatchExtensions(kind, v, [...path, k])]));
  // List items share their list's path (a container's env is spec.containers.env).
  if (node.items) out.items = withPatchExtensions(kind, node.items, path);
  return out;
}

export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The definition name upstream gives a kind ("io.k8s.api.core.v1.Pod", "io.k8s.api.apps.v1.Deployment"). */
export function schemaName(group: string, version: string, kind: string): string {
  const g = group === '' ? 'core' : group.split('.')[0]!;
  return `io.k8s.api.${g}.${version}.${kind}`;
}

/** A query parameter the write operations take. */
export interface QueryParam {
  name: string;
  type: 'string' | 'boolean';
  description?: string;
}

/** One REST operation of a resource, in neither OpenAPI version's shape (both renderers use it). */
export interface ResourceOperation {
  path: string;
  method: 'get' | 'put' | 'patch' | 'delete' | 'post';
  operationId: string;
  action: string;
  /** The operation takes the object as its body (put/post). */
  objectBody: boolean;
  /** The operation takes a patch document (patch). */
  patchBody: boolean;
  params: QueryParam[];
  code: '200' | '201';
}

const WRITE_PARAMS: QueryParam[] = [
  { name: 'fieldValidation', type: 'string', description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.' },
  { name: 'fieldManager', type: 'string' },
  { name: 'dryRun', type: 'string' },
];

export const PATCH_CONTENT_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** The object and collection operations served for one resource. */
export function resourceOperations(r: ResourceInfo): ResourceOperation[] {
  const gv = gvPath(r.group, r.version);
  const collection = r.namespaced ? `/${gv}/namespaces/{namespace}/${r.resource}` : `/${gv}/${r.resource}`;
  const item = `${collection}/{name}`;
  // Upstream's operation ids: readCoreV1NamespacedPod, patchRbacAuthorizationV1ClusterRole, …
  const idGroup = (r.group === '' ? 'core' : r.group.replace(/\.k8s\.io$/, '')).split('.').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const idSuffix = `${idGroup}${r.version[0]!.toUpperCase()}${r.version.slice(1)}${r.namespaced ? 'Namespaced' : ''}${r.kind}`;
  const op = (path: string, method: ResourceOperation['method'], verb: string, action: string, extra: Partial<ResourceOperation> = {}): ResourceOperation => ({
    path, method, operationId: `${verb}${idSuffix}`, action, objectBody: false, patchBody: false, params: [], code: '200', ...extra,
  });
  return [
    op(item, 'get', 'read', 'get'),
    op(item, 'put', 'replace', 'put', { objectBody: true, params: WRITE_PARAMS }),
    op(item, 'patch', 'patch', 'patch', { patchBody: true, params: [...WRITE_PARAMS, { name: 'force', type: 'boolean' }] }),
    op(item, 'delete', 'delete', 'delete'),
    op(collection, 'post', 'create', 'post', { objectBody: true, params: WRITE_PARAMS, code: '201' }),
  ];
}

/** A kind's schema with the patch extensions and its group-version-kind; `$ref`s point at `refBase`. */
export function kindDefinition(r: ResourceInfo, schemas: SchemaSource | undefined, refBase: string): Record<string, unknown> {
  const s = withPatchExtensions(r.kind, (schemas?.(r.kind) ?? { type: 'object' }) as SchemaNode);
  return rebaseRefs({
    description: `${r.kind} (${groupVersion(r)})`,
    ...s,
    'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
  }, refBase) as Record<string, unknown>;
}

/** Points every local `$ref` ("#/…/Name") at `refBase` + Name. */
function rebaseRefs(node: unknown, refBase: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rebaseRefs(n, refBase));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? refBase + v.slice(v.lastIndexOf('/') + 1) : rebaseRefs(v, refBase)]));
}

/** Builds every group-version document once; the index hashes each so clients can cache. */
export class OpenApiV3 {
  private readonly docs = new Map<string, { body: string; hash: string }>();

  constructor(table: ResourceTable, schemas?: SchemaSource) {
    for (const g of table.groups()) {
      for (const v of g.versions) {
        const doc = this.build(table, g.name, v, schemas);
        const body = JSON.stringify(doc);
        const hash = createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase();
        this.docs.set(gvPath(g.name, v), { body, hash });
      }
    }
  }

  private build(table: ResourceTable, group: string, version: string, schemas?: SchemaSource): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const components: Record<string, unknown> = {};
    for (const r of table.inGroupVersion(group, version)) {
      const gvk = { group, version, kind: r.kind };
      const name = schemaName(group, version, r.kind);
      const ref = { $ref: `#/components/schemas/${name}` };
      for (const o of resourceOperations(r)) {
        const out: Record<string, unknown> = { operationId: o.operationId, 'x-kubernetes-action': o.action, 'x-kubernetes-group-version-kind': gvk };
        if (o.params.length) out.parameters = o.params.map((p) => ({ name: p.name, in: 'query', ...(p.description ? { description: p.description } : {}), schema: { type: p.type, uniqueItems: true } }));
        if (o.objectBody) out.requestBody = { content: { '*/*': { schema: ref } } };
        if (o.patchBody) out.requestBody = { content: Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: { type: 'object' } }])) };
        out.responses = { [o.code]: { content: { 'application/json': { schema: ref } } } };
        (paths[o.path] ??= {})[o.method] = out;
      }
      components[name] = kindDefinition(r, schemas, '#/components/schemas/');
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths,
      components: { schemas: components },
    };
  }

  /** The `/openapi/v3` index. */
  index(): Record<string, unknown> {
    const paths: Record<string, unknown> = {};
    for (const [p, d] of this.docs) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    return { paths };
  }

  /** One group-version document by its path ("api/v1", "apis/apps/v1"). */
  doc(path: string): string | undefined {
    return this.docs.get(path)?.body;
  }
}
