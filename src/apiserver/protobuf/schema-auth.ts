// Protobuf messages of the review APIs kubectl sends as protobuf (`kubectl auth can-i`,
// `kubectl auth whoami`), with the field numbers of upstream k8s.io/api authorization/v1 and
// authentication/v1 generated.proto. Registered into the shared tables by schema.ts.
import type { FieldSpec } from './schema.js';

export const AUTH_MESSAGES: Record<string, Record<number, FieldSpec>> = {
  ResourceAttributes: {
    1: { name: 'namespace', type: 'string' },
    2: { name: 'verb', type: 'string' },
    3: { name: 'group', type: 'string' },
    4: { name: 'version', type: 'string' },
    5: { name: 'resource', type: 'string' },
    6: { name: 'subresource', type: 'string' },
    7: { name: 'name', type: 'string' },
  },
  NonResourceAttributes: { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } },
  SelfSubjectAccessReviewSpec: { 1: { name: 'resourceAttributes', type: 'ResourceAttributes' }, 2: { name: 'nonResourceAttributes', type: 'NonResourceAttributes' } },
  SelfSubjectAccessReview: { 1: { name: 'metadata', type: 'ObjectMeta' }, 2: { name: 'spec', type: 'SelfSubjectAccessReviewSpec' } },
  SelfSubjectRulesReviewSpec: { 1: { name: 'namespace', type: 'string' } },
  SelfSubjectRulesReview: { 1: { name: 'metadata', type: 'ObjectMeta' }, 2: { name: 'spec', type: 'SelfSubjectRulesReviewSpec' } },
  SelfSubjectReview: { 1: { name: 'metadata', type: 'ObjectMeta' } },
};

export const AUTH_KIND_MESSAGES: Record<string, string> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
};
