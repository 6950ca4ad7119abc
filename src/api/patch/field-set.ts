// Field sets for server-side apply: which fields of an object a manager owns, in upstream's
// structured-merge-diff path syntax (`f:name`, `k:{"name":"a"}`, `v:"x"`) and its FieldsV1
// encoding (`{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{".":{},"f:image":{}}}}}`).
import { deepEqual, hasOwn, isObject, type JsonObject, type JsonValue } from './json.js';
import { patchMetaFor } from './strategy-meta.js';

/** One path element: `f:<field>`, `k:<json object of merge key>` or `v:<json scalar>`. */
export type PathElement = string;
/** A set of paths, each keyed by `JSON.stringify(path)`. */
export type FieldSet = Map<string, PathElement[]>;

/** Server-maintained fields never owned by a manager (upstream strips them before tracking). */
const STRIPPED_TOP = new Set(['apiVersion', 'kind']);
const STRIPPED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

export const pathKey = (p: PathElement[]): string => JSON.stringify(p);

function add(set: FieldSet, p: PathElement[]): void {
  set.set(pathKey(p), p);
}

/** Which part of an object a write covers: the main resource excludes `status`, `/status` only has it. */
export type Scope = 'main' | 'status';

/** The field set an object (or an applied configuration) sets, with list items keyed by the kind's merge keys. */
export function fieldSetOf(obj: JsonObject, kind: string, scope: Scope = 'main'): FieldSet {
  const set: FieldSet = new Map();
  for (const [k, v] of Object.entries(obj)) {
    if (STRIPPED_TOP.has(k) || v === undefined) continue;
    if ((scope === 'main') === (k === 'status')) continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (STRIPPED_META.has(mk) || mv === undefined) continue;
        walk(set, mv, ['f:metadata', `f:${mk}`], ['metadata', mk], kind);
      }
      continue;
    }
    walk(set, v, [`f:${k}`], [k], kind);
  }
  return set;
}

function walk(set: FieldSet, value: JsonValue, segs: PathElement[], schema: string[], kind: string): void {
  // 1. Maps: every field, or the map itself when empty.
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return add(set, segs);
    for (const [k, v] of entries) walk(set, v, [...segs, `f:${k}`], [...schema, k], kind);
    return;
  }
  // 2. Lists: keyed items, set members, or atomic.
  if (Array.isArray(value)) {
    const meta = patchMetaFor(kind, schema);
    const mk = meta?.mergeKey;
    if (meta?.merge && mk && value.every((i) => isObject(i) && hasOwn(i, mk))) {
      for (const item of value as JsonObject[]) {
        const itemSegs = [...segs, `k:${JSON.stringify({ [mk]: item[mk] })}`];
        add(set, itemSegs);
        for (const [k, v] of Object.entries(item)) if (v !== undefined) walk(set, v, [...itemSegs, `f:${k}`], [...schema, k], kind);
      }
      return;
    }
    if (meta?.merge && !mk && value.every((i) => !isObject(i) && !Array.isArray(i))) {
      for (const item of value) add(set, [...segs, `v:${JSON.stringify(item)}`]);
      return;
    }
  }
  // 3. Scalars, nulls and atomic lists are leaves.
  add(set, segs);
}

/** Encodes a field set as FieldsV1 JSON (keys sorted, "." marks a member that also has children). */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  interface Node {
    member: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { member: false, children: new Map() };
  for (const p of set.values()) {
    let n = root;
    for (const seg of p) {
      let c = n.children.get(seg);
      if (!c) {
        c = { member: false, children: new Map() };
        n.children.set(seg, c);
      }
      n = c;
    }
    n.member = true;
  }
  const render = (n: Node): JsonObject => {
    const out: JsonObject = {};
    if (n.member && n.children.size > 0) out['.'] = {};
    for (const k of [...n.children.keys()].sort()) out[k] = render(n.children.get(k)!);
    return out;
  };
  return render(root);
}

/** Decodes FieldsV1 JSON into a field set (unknown shapes are skipped). */
export function decodeFieldsV1(fields: JsonValue | undefined): FieldSet {
  const set: FieldSet = new Map();
  const visit = (node: JsonObject, segs: PathElement[]): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k === '.') {
        if (segs.length) add(set, segs);
        continue;
      }
      if (!isObject(v)) continue;
      const child = [...segs, k];
      if (Object.keys(v).length === 0) add(set, child);
      else visit(v, child);
    }
  };
  if (isObject(fields)) visit(fields, []);
  return set;
}

/** Finds the list item a `k:` or `v:` element names; returns its index or -1. */
function findItem(list: JsonValue[], seg: PathElement): number {
  const body = JSON.parse(seg.slice(2)) as JsonValue;
  if (seg.startsWith('v:')) return list.findIndex((i) => deepEqual(i, body));
  if (!isObject(body)) return -1;
  return list.findIndex((i) => isObject(i) && Object.entries(body).every(([k, v]) => deepEqual(i[k], v)));
}

/** The value at a path, or undefined when absent. */
export function valueAt(obj: JsonValue, path: PathElement[]): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (seg.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      const name = seg.slice(2);
      cur = hasOwn(cur, name) ? cur[name] : undefined;
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findItem(cur, seg);
      cur = i >= 0 ? cur[i] : undefined;
    }
  }
  return cur;
}

/** Removes the field or list item at a path (no-op when absent); maps emptied by the removal are dropped. */
export function removeAt(obj: JsonObject, path: PathElement[]): void {
  const trail: { container: JsonObject | JsonValue[]; seg: PathElement }[] = [];
  let cur: JsonValue = obj;
  for (const seg of path) {
    trail.push({ container: cur as JsonObject | JsonValue[], seg });
    const next = valueAt(cur, [seg]);
    if (next === undefined) return;
    cur = next;
  }
  // 1. Remove the target itself.
  for (let depth = trail.length - 1; depth >= 0; depth--) {
    const { container, seg } = trail[depth]!;
    if (Array.isArray(container)) {
      const i = findItem(container, seg);
      if (i >= 0) container.splice(i, 1);
    } else if (isObject(container)) {
      delete container[seg.slice(2)];
    }
    // 2. Walk up while the removal left an empty map behind (lists stay, even when empty).
    if (depth === 0) break;
    if (!(isObject(container) && Object.keys(container).length === 0)) break;
  }
}

/** Upstream's human form of a path: `.spec.containers[name="a"].image`, `.metadata.finalizers[="x"]`. */
export function pathToString(path: PathElement[]): string {
  return path
    .map((seg) => {
      const body = seg.slice(2);
      if (seg.startsWith('f:')) return `.${body}`;
      if (seg.startsWith('v:')) return `[=${body}]`;
      const kv = JSON.parse(body) as JsonObject;
      return `[${Object.entries(kv).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}
