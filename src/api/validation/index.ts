// Entry point of API validation: `validateObject(resource, obj, old?)` dispatches on the plural
// resource name to the per-kind rules, after validating metadata with the kind's name rules.
import { type FieldError, Path } from './errors.js';
import { isObj } from './json.js';
import { type MetaRules, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { type NameValidator, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment } from './names.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateEndpoints, validateService, validateServiceUpdate } from './service.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config.js';
import { validateEvent, validateLimitRange, validateNamespace, validateNode, validateResourceQuota, validateServiceAccount } from './core-misc.js';
import { validateDaemonSet, validateDeployment, validateReplicaSet, validateStatefulSet, validateWorkloadUpdate } from './apps.js';
import { validateCronJob, validateJob, validateJobUpdate } from './batch.js';
import {
  validateEndpointSlice,
  validateEndpointSliceUpdate,
  validateLease,
  validatePriorityClass,
  validatePriorityClassUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from './misc.js';

export type { FieldError, FieldErrorType } from './errors.js';
export { errorString } from './errors.js';
export { validateUnknownFields, unknownFieldMessages } from './unknown-fields.js';
export { schemaFor, fieldSchemaForResource, resourceKinds, type OpenAPISchema } from './schema/index.js';

type Obj = Record<string, unknown>;

interface KindRules {
  namespaced: boolean;
  nameFn: NameValidator;
  create: (o: Obj) => FieldError[];
  /** Update rules; defaults to `create` on the new object. */
  update?: (o: Obj, old: Obj) => FieldError[];
}

const clusterScoped = (nameFn: NameValidator, create: KindRules['create'], update?: KindRules['update']): KindRules => ({
  namespaced: false,
  nameFn,
  create,
  ...(update ? { update } : {}),
});
const namespaced = (nameFn: NameValidator, create: KindRules['create'], update?: KindRules['update']): KindRules => ({
  namespaced: true,
  nameFn,
  create,
  ...(update ? { update } : {}),
});
const none = (): FieldError[] => [];

const rules: Record<string, KindRules> = {
  pods: namespaced(nameIsDNSSubdomain, validatePod, validatePodUpdate),
  services: namespaced(nameIsDNS1035Label, validateService, validateServiceUpdate),
  endpoints: namespaced(nameIsDNSSubdomain, validateEndpoints),
  configmaps: namespaced(nameIsDNSSubdomain, validateConfigMap, validateConfigMapUpdate),
  secrets: namespaced(nameIsDNSSubdomain, validateSecret, validateSecretUpdate),
  namespaces: clusterScoped(nameIsDNSLabel, validateNamespace),
  nodes: clusterScoped(nameIsDNSSubdomain, validateNode),
  events: namespaced(nameIsDNSSubdomain, validateEvent),
  serviceaccounts: namespaced(nameIsDNSSubdomain, validateServiceAccount),
  limitranges: namespaced(nameIsDNSSubdomain, validateLimitRange),
  resourcequotas: namespaced(nameIsDNSSubdomain, validateResourceQuota),
  deployments: namespaced(nameIsDNSSubdomain, validateDeployment, (o, old) => [...validateDeployment(o), ...validateWorkloadUpdate('deployments', o, old)]),
  replicasets: namespaced(nameIsDNSSubdomain, validateReplicaSet, (o, old) => [...validateReplicaSet(o), ...validateWorkloadUpdate('replicasets', o, old)]),
  statefulsets: namespaced(nameIsDNSSubdomain, validateStatefulSet, (o, old) => [...validateStatefulSet(o), ...validateWorkloadUpdate('statefulsets', o, old)]),
  daemonsets: namespaced(nameIsDNSSubdomain, validateDaemonSet, (o, old) => [...validateDaemonSet(o), ...validateWorkloadUpdate('daemonsets', o, old)]),
  controllerrevisions: namespaced(nameIsDNSSubdomain, none),
  jobs: namespaced(nameIsDNSSubdomain, validateJob, validateJobUpdate),
  cronjobs: namespaced(nameIsDNSSubdomain, validateCronJob),
  leases: namespaced(nameIsDNSSubdomain, validateLease),
  endpointslices: namespaced(nameIsDNSSubdomain, validateEndpointSlice, validateEndpointSliceUpdate),
  priorityclasses: clusterScoped(nameIsDNSSubdomain, validatePriorityClass, validatePriorityClassUpdate),
  roles: namespaced(nameIsPathSegment, (o) => validateRole(o, true)),
  clusterroles: clusterScoped(nameIsPathSegment, (o) => validateRole(o, false)),
  rolebindings: namespaced(nameIsPathSegment, (o) => validateRoleBinding(o, true), (o, old) => validateRoleBindingUpdate(o, old, true)),
  clusterrolebindings: clusterScoped(nameIsPathSegment, (o) => validateRoleBinding(o, false), (o, old) => validateRoleBindingUpdate(o, old, false)),
};

/** The metadata rules (scope and name syntax) of a resource, or undefined when unknown. */
export function metaRulesFor(resource: string): MetaRules | undefined {
  const r = rules[resource];
  return r ? { namespaced: r.namespaced, nameFn: r.nameFn } : undefined;
}

/**
 * Validates `obj` as the plural `resource` (as in the URL). With `old`, applies update rules
 * (immutable fields). Unknown resources get metadata checks with DNS-subdomain names only.
 * Returns an empty list when valid.
 */
export function validateObject(resource: string, obj: unknown, old?: unknown): FieldError[] {
  if (!isObj(obj)) return [{ type: 'FieldValueTypeInvalid', field: '', message: 'Invalid value: expected an object', detail: 'expected an object' }];
  const r = rules[resource] ?? namespaced(nameIsDNSSubdomain, none);
  // 1. Metadata: names, namespace scope, labels, annotations.
  const errs = validateObjectMeta(obj.metadata, { namespaced: r.namespaced, nameFn: r.nameFn }, new Path('metadata'));
  // 2. Kind rules (update rules when there is an old object).
  if (isObj(old)) {
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata, new Path('metadata')));
    errs.push(...(r.update ? r.update(obj, old) : r.create(obj)));
  } else {
    errs.push(...r.create(obj));
  }
  return errs;
}
