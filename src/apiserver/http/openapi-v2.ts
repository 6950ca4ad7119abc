// The `/openapi/v2` (Swagger 2.0) document, built from the same operations and schemas as the
// v3 documents: one document for every group version, definitions keyed by upstream names with
// `x-kubernetes-group-version-kind` and the strategic-merge patch extensions. JSON only: a
// request for the protobuf form gets 406.
import { createHash } from 'node:crypto';
import type { ResourceTable } from '../registry/resources.js';
import { kindDefinition, PATCH_CONTENT_TYPES, resourceOperations, schemaName, type SchemaSource } from './openapi.js';

/** The 406 message for a request that accepts only the protobuf form upstream also serves. */
export const OPENAPI_V2_NOT_ACCEPTABLE = 'only the following media types are accepted: application/json';

/** Builds the Swagger 2.0 document (pure). */
export function buildOpenApiV2(table: ResourceTable, schemas?: SchemaSource): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const definitions: Record<string, unknown> = {};
  for (const r of table.all) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const name = schemaName(r.group, r.version, r.kind);
    const ref = { $ref: `#/definitions/${name}` };
    for (const o of resourceOperations(r)) {
      const parameters: Record<string, unknown>[] = o.params.map((p) => ({ name: p.name, in: 'query', type: p.type, uniqueItems: true, ...(p.description ? { description: p.description } : {}) }));
      if (o.objectBody) parameters.unshift({ name: 'body', in: 'body', required: true, schema: ref });
      if (o.patchBody) parameters.unshift({ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
      const op: Record<string, unknown> = {
        operationId: o.operationId,
        consumes: o.patchBody ? PATCH_CONTENT_TYPES : ['*/*'],
        produces: ['application/json', 'application/yaml'],
        schemes: ['https'],
        ...(parameters.length ? { parameters } : {}),
        responses: { [o.code]: { description: o.code === '201' ? 'Created' : 'OK', schema: ref }, '401': { description: 'Unauthorized' } },
        'x-kubernetes-action': o.action,
        'x-kubernetes-group-version-kind': gvk,
      };
      (paths[o.path] ??= { parameters: pathParameters(o.path, r.kind) })[o.method] = op;
    }
    definitions[name] = kindDefinition(r, schemas, '#/definitions/');
  }
  definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' };
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

/** The parameters every operation on a path shares: the path's own and `pretty`. */
function pathParameters(path: string, kind: string): Record<string, unknown>[] {
  const param = (name: string, description: string) => ({ name, in: 'path', required: true, type: 'string', uniqueItems: true, description });
  return [
    ...(path.includes('{namespace}') ? [param('namespace', 'object name and auth scope, such as for teams and projects')] : []),
    ...(path.endsWith('{name}') ? [param('name', `name of the ${kind}`)] : []),
    { name: 'pretty', in: 'query', type: 'string', uniqueItems: true, description: "If 'true', then the output is pretty printed." },
  ];
}

/** What `/openapi/v2` answers for an Accept header: the JSON document, or 406 for protobuf-only. */
export function openApiV2Form(accept: string | undefined): 'json' | 'not-acceptable' {
  if (!accept) return 'json';
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase()).filter(Boolean);
  if (types.length === 0) return 'json';
  return types.some((t) => t === 'application/json' || t === '*/*' || t === 'application/*') ? 'json' : 'not-acceptable';
}

/** The document serialized once, with an ETag clients may revalidate with. */
export class OpenApiV2 {
  readonly body: string;
  readonly etag: string;
  constructor(table: ResourceTable, schemas?: SchemaSource) {
    this.body = JSON.stringify(buildOpenApiV2(table, schemas));
    this.etag = `"${createHash('sha512').update(this.body).digest('hex').slice(0, 64).toUpperCase()}"`;
  }
}
