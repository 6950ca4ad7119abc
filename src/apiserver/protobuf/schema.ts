// The protobuf messages decoded so far, with the field numbers of the upstream generated.proto
// (k8s.io/api core/v1 and apimachinery meta/v1). Add kinds here as they are needed.

export interface FieldSpec {
  name: string;
  /** A scalar type or another message's name. */
  type: 'string' | 'bytes' | 'bool' | 'int' | 'time' | string;
  repeated?: boolean;
  /** map<string, type>: entries with key = 1, value = 2. */
  map?: boolean;
}

export const MESSAGES: Record<string, Record<number, FieldSpec>> = {
  Time: { 1: { name: 'seconds', type: 'int' }, 2: { name: 'nanos', type: 'int' } },
  ObjectMeta: {
    1: { name: 'name', type: 'string' },
    2: { name: 'generateName', type: 'string' },
    3: { name: 'namespace', type: 'string' },
    5: { name: 'uid', type: 'string' },
    6: { name: 'resourceVersion', type: 'string' },
    7: { name: 'generation', type: 'int' },
    8: { name: 'creationTimestamp', type: 'time' },
    11: { name: 'labels', type: 'string', map: true },
    12: { name: 'annotations', type: 'string', map: true },
    14: { name: 'finalizers', type: 'string', repeated: true },
  },
  Namespace: { 1: { name: 'metadata', type: 'ObjectMeta' }, 2: { name: 'spec', type: 'NamespaceSpec' } },
  NamespaceSpec: { 1: { name: 'finalizers', type: 'string', repeated: true } },
  ConfigMap: {
    1: { name: 'metadata', type: 'ObjectMeta' },
    2: { name: 'data', type: 'string', map: true },
    3: { name: 'binaryData', type: 'bytes', map: true },
    4: { name: 'immutable', type: 'bool' },
  },
  Secret: {
    1: { name: 'metadata', type: 'ObjectMeta' },
    2: { name: 'data', type: 'bytes', map: true },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'string', map: true },
    5: { name: 'immutable', type: 'bool' },
  },
  // authentication.k8s.io/v1
  TokenRequest: { 1: { name: 'metadata', type: 'ObjectMeta' }, 2: { name: 'spec', type: 'TokenRequestSpec' } },
  TokenRequestSpec: {
    1: { name: 'audiences', type: 'string', repeated: true },
    3: { name: 'boundObjectRef', type: 'BoundObjectReference' },
    4: { name: 'expirationSeconds', type: 'int' },
  },
  BoundObjectReference: {
    1: { name: 'kind', type: 'string' },
    2: { name: 'apiVersion', type: 'string' },
    3: { name: 'name', type: 'string' },
    4: { name: 'uid', type: 'string' },
  },
  TokenReview: { 1: { name: 'metadata', type: 'ObjectMeta' }, 2: { name: 'spec', type: 'TokenReviewSpec' } },
  TokenReviewSpec: { 1: { name: 'token', type: 'string' }, 2: { name: 'audiences', type: 'string', repeated: true } },
};

/** "apiVersion/kind" → message name. */
export const KIND_MESSAGES: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
  'authentication.k8s.io/v1/TokenReview': 'TokenReview',
};

// The review APIs' messages (security) live beside this file.
import { AUTH_KIND_MESSAGES, AUTH_MESSAGES } from './schema-auth.js';
for (const [k, v] of Object.entries(AUTH_MESSAGES)) MESSAGES[k] ??= v;
for (const [k, v] of Object.entries(AUTH_KIND_MESSAGES)) KIND_MESSAGES[k] ??= v;
