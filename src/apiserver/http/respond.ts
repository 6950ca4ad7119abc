// Writing responses: JSON objects, Status errors, and the output forms (Table, metadata).
import type { ServerResponse } from 'node:http';
import type { KubeList, KubeObject, Status } from '../../api/types/index.js';
import { StatusError, errors } from '../errors.js';
import type { OutputForm } from './negotiate.js';
import { toTable } from '../../api/tables/index.js';
import { noteResponse } from '../request-notes.js';

/** Writes a JSON body with the given code. */
export function writeJSON(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  noteResponse(res, body);
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Converts anything thrown into a Status (unknown errors become 500 InternalError). */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return errors.internal((err as Error)?.message ?? String(err));
}

export function writeStatus(res: ServerResponse, err: StatusError | Status): void {
  const s = err instanceof StatusError ? err.status : err;
  if (s.code === 429 && s.details?.retryAfterSeconds) res.setHeader('Retry-After', String(s.details.retryAfterSeconds));
  writeJSON(res, s.code, s);
}

function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** What a Table row embeds (`?includeObject=`): upstream's default is the object's metadata. */
export type IncludeObject = 'Object' | 'Metadata' | 'None';

/** Reads `includeObject` from a query; unknown values fall back to Metadata as upstream's default. */
export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'Object' || v === 'None' ? v : 'Metadata';
}

/** Renders one object in the requested form. */
export function renderObject(resource: string, obj: KubeObject, form: OutputForm, now: number, includeObject: IncludeObject = 'Metadata'): unknown {
  if (form === 'table') return toTable(resource, [obj], { now, includeObject });
  if (form === 'metadata') return partialMetadata(obj);
  return obj;
}

/** Renders a list in the requested form. */
export function renderList(resource: string, list: KubeList, form: OutputForm, now: number, includeObject: IncludeObject = 'Metadata'): unknown {
  if (form === 'table') {
    const t = toTable(resource, list.items, { now, includeObject }) as { metadata?: Record<string, unknown> };
    t.metadata = { ...(t.metadata ?? {}), resourceVersion: list.metadata.resourceVersion, ...(list.metadata.continue ? { continue: list.metadata.continue } : {}) };
    return t;
  }
  if (form === 'metadata') {
    return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: list.metadata, items: list.items.map(partialMetadata) };
  }
  return list;
}
