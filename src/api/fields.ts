// Field selectors (upstream k8s.io/apimachinery/pkg/fields): `a=b,c!=d` over a flat set of
// selectable fields, plus the per-resource selectable fields the apiserver filters on.
import { SelectorParseError } from './labels.js';

export { SelectorParseError } from './labels.js';

export type FieldOperator = '=' | '==' | '!=';

/** One term of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: FieldOperator;
  readonly value: string;
}

/**
 * Contract: a compiled field selector. `matches` treats a missing field as "" (as upstream);
 * `requirements` are in input order; `empty()` is true for the match-everything selector;
 * `toString()` re-escapes values so it parses back to the same selector.
 */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Record<string, string>): boolean;
  empty(): boolean;
  toString(): string;
}

class AndFieldSelector implements FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}
  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field]! : '';
      return r.op === '!=' ? v !== r.value : v === r.value;
    });
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.op}${escapeValue(r.value)}`).join(',');
  }
}

/** Escapes `\`, `,` and `=` in a value (upstream fields.EscapeValue). */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Undoes escapeValue; a backslash before anything else is an error. */
function unescapeValue(s: string, term: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n !== '\\' && n !== ',' && n !== '=') throw new SelectorParseError(`invalid field selector: invalid escape sequence in '${term}'`);
    out += n;
    i++;
  }
  return out;
}

/** Splits on unescaped commas. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  terms.push(cur);
  return terms;
}

/** Finds the first unescaped operator in a term: `!=`, `==`, then `=`. */
function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) {
        return { field: term.slice(0, i).trim(), op, value: unescapeValue(term.slice(i + op.length), term) };
      }
    }
  }
  return undefined;
}

/** Parses `a=b,c!=d`; throws SelectorParseError. "" selects everything. */
export function parseFieldSelector(s: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term.trim().length === 0) continue;
    const r = splitTerm(term);
    if (!r || r.field.length === 0) throw new SelectorParseError(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push(r);
  }
  return new AndFieldSelector(reqs);
}

/** A selector that requires every pair to be equal (upstream fields.SelectorFromSet). */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return new AndFieldSelector(Object.entries(set).map(([field, value]) => ({ field, op: '=', value })));
}

// ---------------------------------------------------------------------------------------------
// Selectable fields per resource (upstream registry `GetAttrs` / field label conversions).

type Obj = Record<string, unknown>;

function get(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return '';
}

/** Go's strconv.FormatBool of a *bool / bool field: unset is false. */
const bool = (v: unknown): string => (v === true ? 'true' : 'false');

/** Go's strconv.Itoa of an int32 field: unset is 0. */
const int = (v: unknown): string => (typeof v === 'number' ? String(v) : '0');

const CLUSTER_SCOPED = new Set(['nodes', 'namespaces', 'persistentvolumes', 'clusterroles', 'clusterrolebindings', 'priorityclasses', 'storageclasses', 'customresourcedefinitions', 'apiservices']);

type FieldFn = (obj: Obj) => string;

const EVENT_FIELDS: Record<string, FieldFn> = {
  // core/v1 names; events.k8s.io/v1 objects carry the same data under `regarding` etc.
  'involvedObject.kind': (o) => str(get(o, 'involvedObject', 'kind') ?? get(o, 'regarding', 'kind')),
  'involvedObject.namespace': (o) => str(get(o, 'involvedObject', 'namespace') ?? get(o, 'regarding', 'namespace')),
  'involvedObject.name': (o) => str(get(o, 'involvedObject', 'name') ?? get(o, 'regarding', 'name')),
  'involvedObject.uid': (o) => str(get(o, 'involvedObject', 'uid') ?? get(o, 'regarding', 'uid')),
  'involvedObject.apiVersion': (o) => str(get(o, 'involvedObject', 'apiVersion') ?? get(o, 'regarding', 'apiVersion')),
  'involvedObject.resourceVersion': (o) => str(get(o, 'involvedObject', 'resourceVersion') ?? get(o, 'regarding', 'resourceVersion')),
  'involvedObject.fieldPath': (o) => str(get(o, 'involvedObject', 'fieldPath') ?? get(o, 'regarding', 'fieldPath')),
  reason: (o) => str(get(o, 'reason')),
  reportingComponent: (o) => str(get(o, 'reportingComponent') ?? get(o, 'reportingController')),
  source: (o) => str(get(o, 'source', 'component') ?? get(o, 'deprecatedSource', 'component')),
  type: (o) => str(get(o, 'type')),
};

const RESOURCE_FIELDS: Record<string, Record<string, FieldFn>> = {
  pods: {
    'spec.nodeName': (o) => str(get(o, 'spec', 'nodeName')),
    'spec.restartPolicy': (o) => str(get(o, 'spec', 'restartPolicy')),
    'spec.schedulerName': (o) => str(get(o, 'spec', 'schedulerName')),
    'spec.serviceAccountName': (o) => str(get(o, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': (o) => bool(get(o, 'spec', 'hostNetwork')),
    'status.phase': (o) => str(get(o, 'status', 'phase')),
    'status.podIP': (o) => str(get(o, 'status', 'podIP')),
    'status.nominatedNodeName': (o) => str(get(o, 'status', 'nominatedNodeName')),
  },
  events: EVENT_FIELDS,
  'events.events.k8s.io': EVENT_FIELDS,
  secrets: { type: (o) => str(get(o, 'type')) },
  nodes: { 'spec.unschedulable': (o) => bool(get(o, 'spec', 'unschedulable')) },
  namespaces: { 'status.phase': (o) => str(get(o, 'status', 'phase')) },
  replicasets: { 'status.replicas': (o) => int(get(o, 'status', 'replicas')) },
  replicationcontrollers: { 'status.replicas': (o) => int(get(o, 'status', 'replicas')) },
  jobs: { 'status.successful': (o) => int(get(o, 'status', 'successful')) },
};

/** Strips an API group suffix unless the qualified name has its own table ("events.events.k8s.io"). */
function tableKey(resource: string): string {
  if (RESOURCE_FIELDS[resource]) return resource;
  return resource.split('.')[0]!;
}

/** The field labels a resource accepts in `fieldSelector` (others get 400 `field label not supported: X`). */
export function supportedFields(resource: string): string[] {
  const key = tableKey(resource);
  const meta = CLUSTER_SCOPED.has(key) ? ['metadata.name'] : ['metadata.name', 'metadata.namespace'];
  return [...meta, ...Object.keys(RESOURCE_FIELDS[key] ?? {})];
}

/** The selectable fields of one object of a resource (e.g. "pods", "events", "replicasets.apps"). */
export function fieldsOf(resource: string, obj: object): Record<string, string> {
  const o = obj as Obj;
  const key = tableKey(resource);
  const out: Record<string, string> = { 'metadata.name': str(get(o, 'metadata', 'name')) };
  if (!CLUSTER_SCOPED.has(key)) out['metadata.namespace'] = str(get(o, 'metadata', 'namespace'));
  for (const [field, fn] of Object.entries(RESOURCE_FIELDS[key] ?? {})) out[field] = fn(o);
  return out;
}
