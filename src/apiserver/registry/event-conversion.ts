// events.k8s.io/v1 Event <-> core/v1 Event, as upstream converts them: one object stored in the
// core/v1 shape, two views. Pure functions; the field renames are the upstream conversion's
// (regarding↔involvedObject, note↔message, reportingController↔reportingComponent, deprecated*).
import type { KubeObject } from '../../api/types/index.js';
import { escapeValue, parseFieldSelector } from '../../api/fields.js';

/** core/v1 name → events.k8s.io/v1 name for the fields that are renamed; the rest share names. */
const RENAMED: ReadonlyArray<readonly [core: string, v1: string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

/** Fields both versions spell the same way (metadata aside). */
const SHARED = ['eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

type Obj = Record<string, unknown>;

function copyFields(from: Obj, pairs: ReadonlyArray<readonly [string, string]>): Obj {
  const out: Obj = {};
  for (const [src, dst] of pairs) if (from[src] !== undefined) out[dst] = from[src];
  return out;
}

/** Stored (core/v1) Event → events.k8s.io/v1 Event. Unknown core fields are dropped. */
export function coreEventToV1(core: KubeObject): KubeObject {
  const c = core as unknown as Obj;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: core.metadata,
    ...copyFields(c, SHARED.map((f) => [f, f] as const)),
    ...copyFields(c, RENAMED),
  } as KubeObject;
}

/** events.k8s.io/v1 Event → the stored (core/v1) shape. Unknown v1 fields are dropped. */
export function v1EventToCore(v1: KubeObject): KubeObject {
  const e = v1 as unknown as Obj;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: v1.metadata,
    ...copyFields(e, SHARED.map((f) => [f, f] as const)),
    ...copyFields(e, RENAMED.map(([c, v]) => [v, c] as const)),
  } as KubeObject;
}

/** events.k8s.io/v1 field labels and their core/v1 names (upstream's field label conversion). */
const V1_FIELD_LABELS: Record<string, string> = {
  'metadata.name': 'metadata.name',
  'metadata.namespace': 'metadata.namespace',
  reason: 'reason',
  type: 'type',
  reportingController: 'reportingComponent',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
};

/** An events.k8s.io field label outside the upstream set. */
export class UnsupportedFieldLabel extends Error {
  constructor(readonly label: string) {
    super(`field label not supported: ${label}`);
  }
}

/**
 * Rewrites an events.k8s.io/v1 field selector into core/v1 labels; throws UnsupportedFieldLabel
 * for labels upstream refuses (core spellings such as `involvedObject.name` included) and the
 * parser's SelectorParseError for malformed selectors.
 */
export function v1EventFieldSelectorToCore(selector: string): string {
  return parseFieldSelector(selector).requirements.map((r) => {
    const field = V1_FIELD_LABELS[r.field];
    if (!field) throw new UnsupportedFieldLabel(r.field);
    return `${field}${r.op}${escapeValue(r.value)}`;
  }).join(',');
}
