// OpenAPI v3 documents: enough for kubectl's default (strict) validation, which looks for a
// `patch` operation per kind with `x-kubernetes-group-version-kind` and a `fieldValidation`
// parameter, then lets the server validate. Schemas come from the validation schema tables.
import { createHash } from 'node:crypto';
import type { ResourceTable } from '../registry/resources.js';
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

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(group: string, version: string, kind: string): string {
  const g = group === '' ? 'core' : group.split('.')[0]!;
  return `io.k8s.api.${g}.${version}.${kind}`;
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
    const paths: Record<string, unknown> = {};
    const components: Record<string, unknown> = {};
    for (const r of table.inGroupVersion(group, version)) {
      const gvk = { group, version, kind: r.kind };
      const name = schemaName(group, version, r.kind);
      const base = r.namespaced ? `/${gvPath(group, version)}/namespaces/{namespace}/${r.resource}/{name}` : `/${gvPath(group, version)}/${r.resource}/{name}`;
      const ref = { $ref: `#/components/schemas/${name}` };
      const params = [
        { name: 'fieldValidation', in: 'query', description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      ];
      paths[base] = {
        get: { operationId: `read${r.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: { '200': { content: { 'application/json': { schema: ref } } } } },
        put: { operationId: `replace${r.kind}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: params, requestBody: { content: { '*/*': { schema: ref } } }, responses: { '200': { content: { 'application/json': { schema: ref } } } } },
        patch: { operationId: `patch${r.kind}`, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk, parameters: [...params, { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }], requestBody: { content: { 'application/json-patch+json': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/strategic-merge-patch+json': { schema: { type: 'object' } }, 'application/apply-patch+yaml': { schema: { type: 'object' } } } }, responses: { '200': { content: { 'application/json': { schema: ref } } } } },
        delete: { operationId: `delete${r.kind}`, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk, responses: { '200': { content: { 'application/json': { schema: ref } } } } },
      };
      const collection = r.namespaced ? `/${gvPath(group, version)}/namespaces/{namespace}/${r.resource}` : `/${gvPath(group, version)}/${r.resource}`;
      paths[collection] = {
        post: { operationId: `create${r.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: params, requestBody: { content: { '*/*': { schema: ref } } }, responses: { '201': { content: { 'application/json': { schema: ref } } } } },
      };
      const s = withPatchExtensions(r.kind, (schemas?.(r.kind) ?? { type: 'object' }) as SchemaNode);
      components[name] = {
        description: `${r.kind} (${groupVersion(r)})`,
        ...s,
        'x-kubernetes-group-version-kind': [gvk],
      };
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
