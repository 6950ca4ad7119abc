// Strategic merge patch (`application/strategic-merge-patch+json`), with upstream semantics:
// maps merge, `null` deletes, lists merge by their merge key or are replaced (see
// strategy-meta.ts), and the directives `$patch` (replace|delete|merge), `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are honoured.
import { PatchError } from './errors.js';
import { clone, deepEqual, hasOwn, isObject, setOwn, type JsonObject, type JsonValue } from './json.js';
import { patchMetaFor, type PatchMeta } from './strategy-meta.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';

/** Upstream's error texts (mergepatch package). */
const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_SET_ORDER = 'invalid patch format of setElementOrder list';
const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';

interface Ctx {
  kind: string;
}

/**
 * Applies a strategic merge patch to a copy of `original` (an object of `kind`) and returns it.
 * Throws PatchError: 400 for a malformed patch (not an object, bad directive format), 422 when
 * it cannot be applied (missing merge key, lists of lists).
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string): JsonObject {
  if (!isObject(patch)) throw new PatchError('strategic merge patch must be a JSON object', 400);
  const base = isObject(original) ? clone(original) : {};
  return mergeMap(base, clone(patch), [], { kind });
}

/** Merges `patch` into `original` (which it mutates and returns). */
function mergeMap(original: JsonObject, patch: JsonObject, path: string[], ctx: Ctx): JsonObject {
  // 1. A `$patch` directive on the map itself.
  if (hasOwn(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (d === 'replace') return mergeMap({}, patch, path, ctx);
    if (d === 'delete') return {};
    if (d !== 'merge') throw new PatchError(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(patch)}`, 400);
  }
  // 2. `$retainKeys`: keys of the original not listed are cleared.
  if (hasOwn(patch, RETAIN_KEYS)) applyRetainKeys(original, patch);
  // 3. `$setElementOrder/<list>`: merge the named list now, then impose the order.
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    const listKey = key.slice(SET_ORDER_PREFIX.length);
    if (!Array.isArray(order) || listKey.length === 0) throw new PatchError(ERR_SET_ORDER, 400);
    mergeOrderedList(original, patch, listKey, order, [...path, listKey], ctx);
  }
  // 4. Every remaining field.
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      deleteFromPrimitiveList(original, key.slice(DELETE_PRIMITIVE_PREFIX.length), value);
      continue;
    }
    if (key.startsWith('$')) continue; // unknown directives never reach the stored object
    if (value === null) {
      delete original[key];
      continue;
    }
    const fieldPath = [...path, key];
    const cur = hasOwn(original, key) ? original[key] : undefined;
    setOwn(original, key, mergeValue(cur, value, fieldPath, ctx));
  }
  return original;
}

/** Merges one field value; when the original is absent or of another type the patch value wins (cleaned of directives). */
function mergeValue(cur: JsonValue | undefined, value: JsonValue, path: string[], ctx: Ctx): JsonValue {
  if (isObject(value)) return mergeMap(isObject(cur) ? cur : {}, value, path, ctx);
  if (Array.isArray(value)) {
    const meta = patchMetaFor(ctx.kind, path);
    if (!meta?.merge) return value;
    return mergeList(Array.isArray(cur) ? cur : [], value, meta, path, ctx);
  }
  return value;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list) || !list.every((k) => typeof k === 'string')) throw new PatchError(ERR_RETAIN_KEYS, 400);
  const keep = new Set(list as string[]);
  // Every field the patch sets must be retained.
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith('$')) continue;
    if (!keep.has(k)) throw new PatchError(ERR_RETAIN_KEYS, 400);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function deleteFromPrimitiveList(original: JsonObject, key: string, toDelete: JsonValue): void {
  if (key.length === 0 || !Array.isArray(toDelete)) throw new PatchError(ERR_PRIMITIVE_LIST, 400);
  const cur = hasOwn(original, key) ? original[key] : undefined;
  if (!Array.isArray(cur)) return;
  setOwn(original, key, cur.filter((v) => !toDelete.some((d) => deepEqual(d, v))));
}

// ---------------------------------------------------------------------------------------------
// Lists.

/** How list items are identified: by merge key value for maps, by value for scalars. */
type Identity = (item: JsonValue) => string | undefined;

function identityFor(mergeKey: string | undefined): Identity {
  if (mergeKey === undefined) return (item) => (isObject(item) || Array.isArray(item) ? undefined : JSON.stringify(item));
  return (item) => (isObject(item) && hasOwn(item, mergeKey) ? JSON.stringify(item[mergeKey]) : undefined);
}

function noMergeKey(item: JsonValue, mergeKey: string): PatchError {
  return new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
}

/** Returns "map" or "scalar" for the element type shared by the lists; throws on mixed or nested lists. */
function elementType(...lists: JsonValue[][]): 'map' | 'scalar' | undefined {
  let t: 'map' | 'scalar' | undefined;
  for (const l of lists) {
    for (const v of l) {
      if (Array.isArray(v)) throw new PatchError('lists of lists are not supported');
      const vt = isObject(v) ? 'map' : 'scalar';
      if (t && t !== vt) throw new PatchError(`list element types are not identical: ${JSON.stringify(lists)}`);
      t = vt;
    }
  }
  return t;
}

/** Merges a `merge`-strategy list and orders the result as upstream (patch order, then live order). */
function mergeList(original: JsonValue[], patch: JsonValue[], meta: PatchMeta, path: string[], ctx: Ctx): JsonValue[] {
  const { merged, patchItems: patchOrder, serverOrder, mergeKey } = mergeListItems(original, patch, meta, path, ctx);
  if (merged === undefined) return original;
  const id = identityFor(mergeKey);
  const inPatch = new Set(patchOrder.map(id));
  const fromPatch = merged.filter((v) => inPatch.has(id(v)));
  const serverOnly = merged.filter((v) => !inPatch.has(id(v)));
  return normalizeElementOrder(fromPatch, serverOnly, patchOrder, serverOrder, id);
}

interface MergedList {
  merged: JsonValue[] | undefined;
  /** The patch's items without directive elements, in patch order. */
  patchItems: JsonValue[];
  /** The live list after `$patch: delete` removals. */
  serverOrder: JsonValue[];
  mergeKey: string | undefined;
}

/** Merges items without ordering them; `merged` is undefined when both lists are empty. */
function mergeListItems(original: JsonValue[], patch: JsonValue[], meta: PatchMeta, path: string[], ctx: Ctx): MergedList {
  if (original.length === 0 && patch.length === 0) return { merged: undefined, patchItems: [], serverOrder: original, mergeKey: undefined };
  const type = elementType(original, patch);
  // 1. Scalars: union without duplicates.
  if (type !== 'map') {
    const merged: JsonValue[] = [];
    for (const v of [...original, ...patch]) if (!merged.some((m) => deepEqual(m, v))) merged.push(v);
    return { merged, patchItems: patch, serverOrder: original, mergeKey: undefined };
  }
  const mergeKey = meta.mergeKey;
  if (!mergeKey) throw new PatchError(`cannot merge lists without merge key for ${path.join('.')}`);
  const id = identityFor(mergeKey);
  // 2. Directive elements: `$patch: delete` removes by key, `$patch: replace` replaces the list.
  let live = [...original];
  let replace = false;
  const items: JsonObject[] = [];
  for (const raw of patch) {
    const item = raw as JsonObject;
    if (!hasOwn(item, DIRECTIVE)) {
      items.push(item);
      continue;
    }
    const d = item[DIRECTIVE];
    if (d === 'delete') {
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const key = id(item);
      live = live.filter((v) => id(v) !== key);
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      const rest = { ...item };
      delete rest[DIRECTIVE];
      items.push(rest);
    } else {
      throw new PatchError(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(item)}`, 400);
    }
  }
  if (replace) {
    const merged = items.map((i) => mergeMap({}, i, path, ctx));
    return { merged, patchItems: [], serverOrder: merged, mergeKey };
  }
  // 3. Merge each patch item into the live item with the same key, or append it.
  const serverOrder = [...live];
  for (const item of items) {
    if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const key = id(item);
    const at = live.findIndex((v) => id(v) === key);
    if (at >= 0) live[at] = mergeMap(isObject(live[at]) ? (live[at] as JsonObject) : {}, item, path, ctx);
    else live.push(mergeMap({}, item, path, ctx));
  }
  return { merged: live, patchItems: items, serverOrder, mergeKey };
}

/** Handles `$setElementOrder/<listKey>` together with the list of the same name in the patch. */
function mergeOrderedList(original: JsonObject, patch: JsonObject, listKey: string, order: JsonValue[], path: string[], ctx: Ctx): void {
  const meta = patchMetaFor(ctx.kind, path);
  const live = hasOwn(original, listKey) ? original[listKey] : undefined;
  const fromPatch = hasOwn(patch, listKey) ? patch[listKey] : undefined;
  delete patch[listKey];
  if (live !== undefined && !Array.isArray(live)) throw new PatchError(ERR_SET_ORDER, 400);
  if (fromPatch !== undefined && fromPatch !== null && !Array.isArray(fromPatch)) throw new PatchError(ERR_SET_ORDER, 400);
  if (fromPatch === null) {
    delete original[listKey];
    return;
  }
  if (live === undefined && fromPatch === undefined) return;
  // 1. Lists without a merge strategy are replaced and keep the patch's order.
  if (!meta?.merge) {
    if (fromPatch !== undefined) setOwn(original, listKey, fromPatch);
    return;
  }
  // 2. Merge the contents.
  const liveList = live ?? [];
  const merged = fromPatch === undefined ? liveList : (mergeListItems(liveList, fromPatch, meta, path, ctx).merged ?? liveList);
  const mergeKey = elementType(merged, order) === 'map' ? meta.mergeKey : undefined;
  // 3. Order: items named by the directive in its order, interleaved with live-only items.
  const id = identityFor(mergeKey);
  for (const o of order) if (id(o) === undefined) throw (mergeKey ? noMergeKey(o, mergeKey) : new PatchError(ERR_SET_ORDER, 400));
  const named = new Set(order.map(id));
  const fromOrder = merged.filter((v) => named.has(id(v)));
  const serverOnly = merged.filter((v) => !named.has(id(v)));
  setOwn(original, listKey, normalizeElementOrder(fromOrder, serverOnly, order, liveList, id));
}

/** Sorts `items` by their position in `order` (items not found keep their relative order, last). */
function sortByOrder(items: JsonValue[], order: JsonValue[], id: Identity): JsonValue[] {
  const pos = new Map<string | undefined, number>();
  order.forEach((o, i) => {
    const k = id(o);
    if (!pos.has(k)) pos.set(k, i);
  });
  const rank = (v: JsonValue): number => pos.get(id(v)) ?? Number.MAX_SAFE_INTEGER;
  return items
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i)
    .map((x) => x.v);
}

/**
 * Upstream's ordering: patch items sorted by `patchOrder`, live-only items by `serverOrder`, then
 * interleaved — a live-only item goes first only when both are in the live list and it came
 * earlier there; otherwise the patch item goes first.
 */
function normalizeElementOrder(patchItems: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], id: Identity): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, id);
  const left = sortByOrder(serverOnly, serverOrder, id);
  const serverIndex = new Map<string | undefined, number>();
  serverOrder.forEach((v, i) => {
    const k = id(v);
    if (!serverIndex.has(k)) serverIndex.set(k, i);
  });
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]!);
    else if (i >= left.length) out.push(right[j++]!);
    else {
      const li = serverIndex.get(id(left[i]!));
      const ri = serverIndex.get(id(right[j]!));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}
