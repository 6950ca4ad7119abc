// Reading and decoding request bodies: size limit, JSON/YAML, nesting depth, alias bombs.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { errors } from '../errors.js';
import { decodeK8sProtobuf, ProtobufDecodeError } from '../protobuf/decode.js';
import { notesFor } from '../request-notes.js';

/** Upstream's request body limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Deepest JSON nesting accepted. */
export const MAX_DEPTH = 1000;

/** Reads the whole body; 413 once it passes `limit` bytes (the rest is drained, not buffered). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(errors.tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(errors.tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      const buf = Buffer.concat(chunks);
      notesFor(req).requestBody = buf;
      resolve(buf);
    });
    req.on('error', (err) => reject(errors.badRequest(`error reading request body: ${err.message}`)));
  });
}

/** Nesting depth of a JSON text, counted without parsing (so a 10,000-deep body costs nothing). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** True for YAML media types (including the server-side apply patch type). */
export function isYaml(contentType: string | undefined): boolean {
  const t = mediaType(contentType);
  return t === 'application/yaml' || t === 'application/x-yaml' || t === 'text/yaml' || t === 'application/apply-patch+yaml';
}

/** Decodes a body as JSON (or YAML for YAML types); 400 with the parser's message when malformed. */
export function decodeBody(buf: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (mt === 'application/vnd.kubernetes.protobuf') {
    try {
      return decodeK8sProtobuf(buf);
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw err.unsupportedKind ? errors.unsupportedBody(`${mt} (${err.message})`) : errors.badRequest(err.message);
      throw err;
    }
  }
  if (mt && mt !== 'application/json' && !mt.endsWith('+json') && !isYaml(contentType) && mt !== 'text/plain' && mt !== '*/*') {
    throw errors.unsupportedBody(mt);
  }
  const text = buf.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the request body is empty');
  if (jsonDepth(text) > MAX_DEPTH) throw errors.badRequest(`the request body is nested too deeply (more than ${MAX_DEPTH} levels)`);
  if (isYaml(contentType)) {
    try {
      return parseYaml(text, { maxAliasCount: 100, uniqueKeys: false, prettyErrors: false });
    } catch (err) {
      throw errors.badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`couldn't decode the request body as JSON: ${(err as Error).message}`);
  }
}

/** Requires an object body (not an array or scalar). */
export function requireObject(v: unknown, what = 'object'): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw errors.badRequest(`the request body must be a JSON ${what}`);
  return v as Record<string, unknown>;
}
