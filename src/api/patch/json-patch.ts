// RFC 6902 JSON Patch (`application/json-patch+json`): add, remove, replace, move, copy, test,
// over RFC 6901 pointers (`~0` = "~", `~1` = "/", `-` = past the end of an array).
import { PatchError } from './errors.js';
import { clone, deepEqual, hasOwn, isObject, setOwn, type JsonObject, type JsonValue } from './json.js';

/** One operation as sent on the wire. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: JsonValue;
}

/** Splits a JSON pointer into unescaped reference tokens; "" is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`JSON pointer must be empty or start with "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Parses an array index token; `allowEnd` admits `-` and `len` (add only). */
function arrayIndex(token: string, arr: JsonValue[], allowEnd: boolean, path: string): number {
  if (token === '-') {
    if (allowEnd) return arr.length;
    throw new PatchError(`Unable to access invalid index: - in ${path}`);
  }
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`Unable to access invalid index: ${token} in ${path}`);
  const i = Number(token);
  if (i > arr.length || (!allowEnd && i === arr.length)) throw new PatchError(`Unable to access invalid index: ${i} in ${path}`);
  return i;
}

/** The container holding the last token of `tokens`, or undefined when the path is missing. */
function parentOf(doc: JsonValue, tokens: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return undefined;
      cur = cur[Number(t)];
    } else if (isObject(cur)) {
      cur = hasOwn(cur, t) ? cur[t] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Reads the value at a pointer, or undefined when absent. */
function getAt(doc: JsonValue, tokens: string[]): JsonValue | undefined {
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return /^(0|[1-9][0-9]*)$/.test(last) && Number(last) < parent.length ? parent[Number(last)] : undefined;
  if (isObject(parent)) return hasOwn(parent, last) ? parent[last] : undefined;
  return undefined;
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent, true, path), 0, value);
  } else if (isObject(parent)) {
    setOwn(parent, last, value);
  } else {
    throw new PatchError(`add operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  }
  return doc;
}

function remove(doc: JsonValue, path: string, op = 'remove'): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new PatchError(`${op} operation does not apply: cannot remove the whole document`);
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent, false, path), 1);
  } else if (isObject(parent) && hasOwn(parent, last)) {
    delete parent[last];
  } else {
    throw new PatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  }
  return doc;
}

function replace(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    parent[arrayIndex(last, parent, false, path)] = value;
  } else if (isObject(parent) && hasOwn(parent, last)) {
    setOwn(parent, last, value);
  } else {
    throw new PatchError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
  }
  return doc;
}

/** Validates one operation object; shape errors are 400 as upstream's decode errors. */
function checkOperation(raw: unknown, i: number): JsonObject {
  if (!isObject(raw)) throw new PatchError(`json patch operation ${i} must be an object`, 400);
  if (typeof raw.op !== 'string') throw new PatchError(`json patch operation ${i}: missing or invalid "op"`);
  if (typeof raw.path !== 'string') throw new PatchError(`json patch operation ${i} (${raw.op}): missing or invalid "path"`);
  return raw;
}

/**
 * Applies an RFC 6902 patch to a copy of `doc` and returns the copy. Throws PatchError: code 400
 * when the body is not an array of objects, 422 when an operation does not apply.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): JsonValue {
  if (!Array.isArray(patch)) throw new PatchError('json patch must be an array', 400);
  let out = clone(doc ?? null) as JsonValue;
  patch.forEach((raw, i) => {
    const op = checkOperation(raw, i);
    const path = op.path as string;
    const needValue = (): JsonValue => {
      if (!hasOwn(op, 'value')) throw new PatchError(`${op.op} operation ${i} is missing "value"`);
      return clone(op.value!);
    };
    const fromPath = (): string => {
      if (typeof op.from !== 'string') throw new PatchError(`${op.op} operation ${i} is missing "from"`);
      return op.from;
    };
    switch (op.op) {
      case 'add':
        out = add(out, path, needValue());
        break;
      case 'remove':
        out = remove(out, path);
        break;
      case 'replace':
        out = replace(out, path, needValue());
        break;
      case 'move': {
        const from = fromPath();
        if (path !== from && path.startsWith(`${from}/`)) throw new PatchError(`move operation does not apply: cannot move ${from} into its own child ${path}`);
        const v = getAt(out, parsePointer(from));
        if (v === undefined) throw new PatchError(`move operation does not apply: doc is missing from path: ${JSON.stringify(from)}: missing value`);
        if (path === from) break;
        out = remove(out, from, 'move');
        out = add(out, path, v);
        break;
      }
      case 'copy': {
        const from = fromPath();
        const v = getAt(out, parsePointer(from));
        if (v === undefined) throw new PatchError(`copy operation does not apply: doc is missing from path: ${JSON.stringify(from)}: missing value`);
        out = add(out, path, clone(v));
        break;
      }
      case 'test': {
        const want = needValue();
        const got = getAt(out, parsePointer(path));
        if (got === undefined ? want !== null : !deepEqual(got, want)) throw new PatchError(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  });
  return out;
}
