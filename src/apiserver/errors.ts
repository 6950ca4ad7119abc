// metav1.Status errors as the upstream apiserver writes them.
import type { Status, StatusCause } from '../api/types/index.js';

/** An error that carries the Status to send. */
export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.name = 'StatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
}

/** A resource as error messages qualify it: "pods", "deployments.apps". */
export interface QualifiedResource {
  group: string;
  resource: string;
}

export function qualified(r: QualifiedResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

function status(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return new StatusError(s);
}

export const errors = {
  notFound: (r: QualifiedResource, name: string) =>
    status(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group || undefined, kind: r.resource }),
  alreadyExists: (r: QualifiedResource, name: string) =>
    status(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group || undefined, kind: r.resource }),
  conflict: (r: QualifiedResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, { name, group: r.group || undefined, kind: r.resource }),
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) => {
    const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : `${c.message}`));
    const body = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    return status(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${body}`, { name, group: group || undefined, kind, causes });
  },
  badRequest: (message: string) => status(400, 'BadRequest', message),
  forbidden: (r: QualifiedResource, name: string, why: string) =>
    status(403, 'Forbidden', `${qualified(r)}${name ? ` "${name}"` : ''} is forbidden: ${why}`, { name: name || undefined, group: r.group || undefined, kind: r.resource }),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') => status(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => status(406, 'NotAcceptable', message),
  unsupportedMediaType: (contentType: string) => status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`),
  unsupportedBody: (contentType: string) => status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${JSON.stringify(contentType)})`),
  tooLarge: (message = 'the request is too large') => status(413, 'RequestEntityTooLarge', message),
  expired: (message: string) => status(410, 'Expired', message),
  gone: (message: string) => status(410, 'Gone', message),
  tooManyRequests: (message: string, retryAfterSeconds: number) => status(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) => status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  unavailable: (message: string) => status(503, 'ServiceUnavailable', message),
  timeout: (message: string) => status(504, 'Timeout', message),
  notFoundPath: (path: string) => status(404, 'NotFound', `the server could not find the requested resource`, { causes: [{ reason: 'UnexpectedServerResponse', message: `404 page not found: ${path}` }] }),
  /** A resource type this apiserver does not serve (e.g. horizontalpodautoscalers): say which. */
  notServed: (r: QualifiedResource, path: string) =>
    status(404, 'NotFound', `the server could not find the requested resource (${qualified(r)} is not served by this apiserver)`, { group: r.group || undefined, kind: r.resource, causes: [{ reason: 'UnexpectedServerResponse', message: `404 page not found: ${path}` }] }),
};

/** A Success status (e.g. answer to a delete that removed the object right away). */
export function successStatus(details?: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}
