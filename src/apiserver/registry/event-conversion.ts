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

/** A copy of `from` under `apiVersion`, keeping metadata and the fields `pairs` rename (src → dst). */
function convert(from: KubeObject, apiVersion: string, pairs: ReadonlyArray<readonly [string, string]>): KubeObject {
  const src = from as unknown as Obj;
  const out: Obj = { apiVersion, kind: 'Event', metadata: from.metadata };
  for (const [a, b] of pairs) if (src[a] !== undefined) out[b] = src[a];
  return out as unknown as KubeObject;
}

const TO_V1 = [...SHARED.map((f) => [f, f] as const), ...RENAMED];
const TO_CORE = [...SHARED.map((f) => [f, f] as const), ...RENAMED.map(([c, v]) => [v, c] as const)];

/** Stored (core/v1) Event → events.k8s.io/v1 Event. Unknown core fields are dropped. */
export function coreEventToV1(core: KubeObject): KubeObject {
  return convert(core, 'events.k8s.io/v1', TO_V1);
}

/** events.k8s.io/v1 Event → the stored (core/v1) shape. Unknown v1 fields are dropped. */
export function v1EventToCore(v1: KubeObject): KubeObject {
  return convert(v1, 'v1', TO_CORE);
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
