// Server-side apply (`application/apply-patch+yaml`), pure: merge a manager's applied
// configuration into the live object, remove what that manager applied before and no longer
// applies, track ownership in `metadata.managedFields` (FieldsV1), and report conflicts with
// other managers unless forced. Also records ownership for ordinary writes (`recordUpdate`).
import type { ApplyConflict } from './errors.js';
import { clone, deepEqual, isObject, setOwn, type JsonObject, type JsonValue } from './json.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { patchMetaFor } from './strategy-meta.js';
import { decodeFieldsV1, encodeFieldsV1, fieldSetOf, pathKey, pathToString, removeAt, valueAt, type FieldSet, type Scope } from './field-set.js';

export type { ApplyConflict } from './errors.js';

/** Who applies and how. `now` is epoch milliseconds (or a ready RFC 3339 string) for `managedFields[].time`. */
export interface ApplyOptions {
  manager: string;
  force: boolean;
  kind: string;
  /** "status" when applying to the /status subresource; otherwise the main resource (status ignored). */
  subresource?: string;
  now?: number | string;
}

/** The merged object; when `conflicts` is non-empty (and not forced) `result` is the unchanged live object. */
export interface ApplyResult {
  result: JsonObject;
  conflicts?: ApplyConflict[];
}

interface ManagedEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: JsonValue;
  subresource?: string;
}

function timeOf(now: number | string | undefined): string | undefined {
  if (now === undefined) return undefined;
  if (typeof now === 'string') return now;
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Drops nulls (SSA treats them as "not specified") and, per scope, status or everything but status. */
function cleanApplied(applied: JsonObject, scope: Scope): JsonObject {
  const strip = (v: JsonValue): JsonValue | undefined => {
    if (v === null) return undefined;
    if (Array.isArray(v)) return v.map(strip).filter((x): x is JsonValue => x !== undefined);
    if (isObject(v)) {
      const o: JsonObject = {};
      for (const [k, x] of Object.entries(v)) {
        const s = strip(x);
        if (s !== undefined) setOwn(o, k, s);
      }
      return o;
    }
    return v;
  };
  const out = strip(applied) as JsonObject;
  if (scope === 'main') delete out.status;
  else for (const k of Object.keys(out)) if (!['status', 'apiVersion', 'kind', 'metadata'].includes(k)) delete out[k];
  if (isObject(out.metadata)) delete out.metadata.managedFields;
  return out;
}

/** Adds `$setElementOrder` directives so merged lists follow the applied order (live-only items interleaved). */
function withOrderDirectives(v: JsonValue, kind: string, schema: string[]): JsonValue {
  if (Array.isArray(v)) return v.map((i) => withOrderDirectives(i, kind, schema));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const path = [...schema, k];
    setOwn(out, k, withOrderDirectives(x, kind, path));
    const meta = Array.isArray(x) ? patchMetaFor(kind, path) : undefined;
    if (!meta?.merge || !Array.isArray(x)) continue;
    const mk = meta.mergeKey;
    if (mk && x.every((i) => isObject(i) && i[mk] !== undefined)) out[`$setElementOrder/${k}`] = x.map((i) => ({ [mk]: (i as JsonObject)[mk]! }));
    else if (!mk && x.every((i) => !isObject(i) && !Array.isArray(i))) out[`$setElementOrder/${k}`] = x;
  }
  return out;
}

function entriesOf(obj: JsonObject | undefined): ManagedEntry[] {
  const meta = obj?.metadata;
  const mf = isObject(meta) ? meta.managedFields : undefined;
  return Array.isArray(mf) ? (mf.filter(isObject) as ManagedEntry[]) : [];
}

const sameSlot = (e: ManagedEntry, manager: string, operation: string, subresource: string | undefined): boolean =>
  e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '');

function makeEntry(manager: string, operation: 'Apply' | 'Update', apiVersion: unknown, time: string | undefined, set: FieldSet, subresource: string | undefined): ManagedEntry {
  const e: ManagedEntry = { manager, operation };
  if (typeof apiVersion === 'string') e.apiVersion = apiVersion;
  if (time) e.time = time;
  e.fieldsType = 'FieldsV1';
  e.fieldsV1 = encodeFieldsV1(set);
  if (subresource) e.subresource = subresource;
  return e;
}

/** Writes the entries back, dropping those that own nothing any more. */
function setEntries(obj: JsonObject, entries: ManagedEntry[]): void {
  const kept = entries.filter((e) => decodeFieldsV1(e.fieldsV1).size > 0);
  const meta = (isObject(obj.metadata) ? obj.metadata : (obj.metadata = {})) as JsonObject;
  if (kept.length) meta.managedFields = kept as unknown as JsonValue;
  else delete meta.managedFields;
}

/** Does `set` hold `key` or any path below it? */
function ownsAtOrBelow(set: FieldSet, path: string[]): boolean {
  const prefix = pathKey(path).slice(0, -1);
  for (const k of set.keys()) if (k === pathKey(path) || k.startsWith(`${prefix},`)) return true;
  return false;
}

/** Is the path a list item node (its value is the item, not a leaf)? */
const isItemNode = (path: string[]): boolean => path.length > 0 && path[path.length - 1]!.startsWith('k:');

/**
 * Server-side apply. Steps: (1) create when absent; (2) find conflicts with other managers;
 * (3) remove fields this manager applied before but omits now (unless someone else owns them);
 * (4) strategic-merge the applied configuration; (5) rewrite managedFields.
 */
export function applyPatch(existing: object | undefined, applied: object, opts: ApplyOptions): ApplyResult {
  const scope: Scope = opts.subresource === 'status' ? 'status' : 'main';
  const config = cleanApplied(applied as JsonObject, scope);
  const appliedSet = fieldSetOf(config, opts.kind, scope);
  const time = timeOf(opts.now);
  const entry = makeEntry(opts.manager, 'Apply', config.apiVersion, time, appliedSet, opts.subresource);
  // 1. Absent: the applied configuration is the object.
  if (existing === undefined || existing === null) {
    const result = clone(config);
    setEntries(result, [entry]);
    return { result };
  }
  const live = clone(existing as JsonObject);
  const entries = entriesOf(live);
  const others = entries.filter((e) => !sameSlot(e, opts.manager, 'Apply', opts.subresource));
  const previous = entries.find((e) => sameSlot(e, opts.manager, 'Apply', opts.subresource));
  // 2. Conflicts: a field another manager owns whose live value differs from the applied one.
  const conflicts: ApplyConflict[] = [];
  const otherSets = others.map((e) => decodeFieldsV1(e.fieldsV1));
  others.forEach((e, i) => {
    if (e.manager === opts.manager) return; // the same manager's Update entry never conflicts
    for (const [key, path] of appliedSet) {
      if (!otherSets[i]!.has(key) || isItemNode(path)) continue;
      if (!deepEqual(valueAt(live, path), valueAt(config, path))) {
        const c: ApplyConflict = { manager: e.manager ?? '', field: pathToString(path) };
        if (e.apiVersion) c.apiVersion = e.apiVersion;
        conflicts.push(c);
      }
    }
  });
  if (conflicts.length && !opts.force) return { result: clone(existing as JsonObject), conflicts };
  // Forced (or no conflicts): the applier takes over every field it applies.
  for (const set of otherSets) for (const key of appliedSet.keys()) set.delete(key);
  // 3. Remove what this manager applied before but no longer applies, when nobody else owns it.
  const before = decodeFieldsV1(previous?.fieldsV1);
  const removals = [...before.entries()]
    .filter(([key, path]) => !appliedSet.has(key) && !otherSets.some((s) => ownsAtOrBelow(s, path)))
    .map(([, path]) => path)
    .sort((a, b) => a.length - b.length); // shallowest first: a removed list item takes its fields with it
  for (const path of removals) removeAt(live, path);
  // 4. Merge the configuration in, list order following the configuration.
  const merged = applyStrategicMergePatch(live, withOrderDirectives(config, opts.kind, []), opts.kind);
  // 5. Ownership: this manager's Apply entry, others minus what was taken.
  const rewritten = others.map((e, i) => ({ ...e, fieldsV1: encodeFieldsV1(otherSets[i]!) }));
  setEntries(merged, [...rewritten, entry]);
  return { result: merged };
}

/** Options for recording an ordinary (non-apply) write. */
export interface UpdateOptions {
  manager: string;
  kind: string;
  subresource?: string;
  now?: number | string;
}

/**
 * Ownership for create/update/patch (operation "Update", as upstream): fields whose value the
 * write changed (or added) move to `manager`; fields the write removed are dropped from every
 * manager. Returns a copy of `next` with `metadata.managedFields` rewritten.
 */
export function recordUpdate(prev: object | undefined, next: object, opts: UpdateOptions): JsonObject {
  const scope: Scope = opts.subresource === 'status' ? 'status' : 'main';
  const out = clone(next as JsonObject);
  const nextSet = fieldSetOf(out, opts.kind, scope);
  const prevObj = (prev ?? {}) as JsonObject;
  // 1. What changed: paths whose value differs from before (item nodes only when new).
  const changed: FieldSet = new Map();
  for (const [key, path] of nextSet) {
    const was = valueAt(prevObj, path);
    if (was === undefined || (!isItemNode(path) && !deepEqual(was, valueAt(out, path)))) changed.set(key, path);
  }
  // 2. Prune ownership of fields that no longer exist, and hand changed fields to the writer.
  const entries = entriesOf(prevObj).map((e) => ({ e, set: decodeFieldsV1(e.fieldsV1) }));
  for (const x of entries) {
    for (const [key, path] of [...x.set]) {
      const inScope = (path[0] === 'f:status') === (scope === 'status');
      if (!inScope) continue;
      if (!nextSet.has(key) || (changed.has(key) && !sameSlot(x.e, opts.manager, 'Update', opts.subresource))) x.set.delete(key);
    }
  }
  let mine = entries.find((x) => sameSlot(x.e, opts.manager, 'Update', opts.subresource));
  if (!mine) {
    if (changed.size === 0) {
      setEntries(out, entries.map((x) => ({ ...x.e, fieldsV1: encodeFieldsV1(x.set) })));
      return out;
    }
    mine = { e: { manager: opts.manager, operation: 'Update' }, set: new Map() };
    entries.push(mine);
  }
  for (const [key, path] of changed) mine.set.set(key, path);
  const time = timeOf(opts.now);
  const result = entries.map((x) =>
    x === mine && changed.size > 0 ? makeEntry(opts.manager, 'Update', out.apiVersion, time ?? x.e.time, x.set, opts.subresource) : { ...x.e, fieldsV1: encodeFieldsV1(x.set) },
  );
  setEntries(out, result);
  return out;
}
