// Field schemas shared by every kind: ObjectMeta, LabelSelector, object references.
import { type FieldSchema, bool, int, list, map, o, str, strs, time, open } from './dsl.js';

export const ownerReference = o({ apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool });

export const managedFields = o({ manager: str, operation: str, apiVersion: str, time, fieldsType: str, fieldsV1: open, subresource: str });

export const objectMeta: FieldSchema = o(
  {
    name: str,
    generateName: str,
    namespace: str,
    selfLink: str,
    uid: str,
    resourceVersion: str,
    generation: int,
    creationTimestamp: time,
    deletionTimestamp: time,
    deletionGracePeriodSeconds: int,
    labels: map(),
    annotations: map(),
    ownerReferences: list(ownerReference),
    finalizers: strs,
    managedFields: list(managedFields),
  },
  "Standard object's metadata.",
);

export const labelSelector = o({
  matchLabels: map(),
  matchExpressions: list(o({ key: str, operator: str, values: strs })),
});

export const objectReference = o({ kind: str, namespace: str, name: str, uid: str, apiVersion: str, resourceVersion: str, fieldPath: str });

export const condition = o({
  type: str,
  status: str,
  reason: str,
  message: str,
  lastTransitionTime: time,
  lastUpdateTime: time,
  lastProbeTime: time,
  lastHeartbeatTime: time,
  observedGeneration: int,
});

/** The envelope of a top-level kind: apiVersion, kind, metadata plus `fields`. */
export function kind(fields: Record<string, FieldSchema>, description?: string): FieldSchema {
  const described: Record<string, FieldSchema> = {};
  for (const [k, v] of Object.entries(fields)) {
    const d = envelopeDescriptions[k];
    described[k] = d && !v.description ? { ...v, description: d } : v;
  }
  return o(
    {
      apiVersion: { ...str, description: envelopeDescriptions.apiVersion },
      kind: { ...str, description: envelopeDescriptions.kind },
      metadata: objectMeta,
      ...described,
    },
    description,
  );
}

const envelopeDescriptions: Record<string, string> = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  spec: 'Specification of the desired behavior of the object.',
  status: 'Most recently observed status of the object. This data may not be up to date. Populated by the system. Read-only.',
};
