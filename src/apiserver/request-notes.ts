// Per-request notes that deep layers (admission) leave for the outer pipeline: client warnings
// (sent as `Warning: 299 - "..."` headers) and audit annotations (added to the audit event).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestNotes {
  warnings: string[];
  auditAnnotations: Record<string, string>;
  /** The raw request body once read (for audit levels Request and up). */
  requestBody?: Buffer;
}

const byRequest = new WeakMap<IncomingMessage, RequestNotes>();
const responses = new WeakMap<ServerResponse, unknown>();

/** Remembers the object a response carries (for audit level RequestResponse). */
export function noteResponse(res: ServerResponse, body: unknown): void {
  responses.set(res, body);
}

/** The object a response carried, if it was JSON written by `writeJSON`. */
export function responseObject(res: ServerResponse): unknown {
  return responses.get(res);
}

/** The notes of one request (created on first use). */
export function notesFor(req: IncomingMessage): RequestNotes {
  let n = byRequest.get(req);
  if (!n) {
    n = { warnings: [], auditAnnotations: {} };
    byRequest.set(req, n);
  }
  return n;
}

/** Formats one warning as the Warning header value upstream sends. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Makes the response carry the request's warnings once its headers go out. */
export function sendWarningsWithHeaders(req: IncomingMessage, res: ServerResponse): void {
  const orig = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = (...args: unknown[]) => {
    const n = byRequest.get(req);
    if (n?.warnings.length && !res.headersSent) {
      const prev = res.getHeader('Warning');
      const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
      res.setHeader('Warning', [...list, ...n.warnings.map(warningHeader)]);
    }
    return orig(...args);
  };
}
