// The bearer token of a request (`Authorization: Bearer <token>`), as upstream reads it.
import type { IncomingMessage } from 'node:http';

/** The token, or undefined when the header is absent or not a non-empty Bearer credential. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}
