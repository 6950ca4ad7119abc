// ResourceQuota usage (pure), as upstream's quota evaluators: what one object charges against a
// quota, and the `status.used` of a quota over the objects of its namespace.
import type { Container, KubeObject, Pod, ResourceList, ResourceQuota, ScopedResourceSelectorRequirement, Service } from './types/index.js';
import { addQuantities, compareQuantities, quantityToString, type Quantity } from './quantity.js';

/** Resource names whose request is also charged under the bare name ("cpu" = "requests.cpu"). */
const STANDARD = ['cpu', 'memory', 'ephemeral-storage'];
/** Core resources with an object-count quota under their bare name as well as count/<resource>. */
export const LEGACY_COUNTS = ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas'];

type Usage = Map<string, Quantity | string>;

const add = (u: Usage, k: string, v: Quantity | string) => u.set(k, u.has(k) ? addQuantities(u.get(k)!, v) : v);
const addList = (u: Usage, l: ResourceList | undefined) => {
  for (const [k, v] of Object.entries(l ?? {})) add(u, k, v);
};
const maxInto = (u: Usage, other: Usage) => {
  for (const [k, v] of other) if (!u.has(k) || compareQuantities(v, u.get(k)!) > 0) u.set(k, v);
};

/** One kind of the pod's resource requirements (requests or limits) as upstream sums them, sidecars included. */
function podResources(pod: Pod, pick: (c: Container) => ResourceList | undefined): Usage {
  const sum: Usage = new Map();
  for (const c of pod.spec.containers ?? []) addList(sum, pick(c));
  const sidecars: Usage = new Map();
  const initMax: Usage = new Map();
  for (const c of pod.spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      addList(sum, pick(c));
      addList(sidecars, pick(c));
      maxInto(initMax, sidecars);
    } else {
      const one: Usage = new Map(sidecars);
      addList(one, pick(c));
      maxInto(initMax, one);
    }
  }
  maxInto(sum, initMax);
  addList(sum, pod.spec.overhead);
  return sum;
}

/** Whether a pod still counts: not terminal, and not past its deletion grace period. */
export function podCounts(pod: Pod, now: number): boolean {
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  const dt = pod.metadata.deletionTimestamp;
  if (dt && pod.metadata.deletionGracePeriodSeconds !== undefined && now > Date.parse(dt) + pod.metadata.deletionGracePeriodSeconds * 1000) return false;
  return true;
}

/** BestEffort QoS: no container (init containers included) requests or limits cpu or memory. */
const isBestEffort = (pod: Pod) => [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]
  .every((c) => ['cpu', 'memory'].every((k) => c.resources?.requests?.[k] === undefined && c.resources?.limits?.[k] === undefined));

/** Terminating: an activeDeadlineSeconds of 0 or more. */
const isTerminating = (pod: Pod) => typeof pod.spec.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds >= 0;

/** A quota's scopes as selector terms: each of spec.scopes is `Exists`, then spec.scopeSelector's terms. */
export function quotaSelectors(quota: ResourceQuota): ScopedResourceSelectorRequirement[] {
  return [...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })), ...(quota.spec?.scopeSelector?.matchExpressions ?? [])];
}

/**
 * Whether a pod falls in one scope term, as upstream's pod evaluator: the QoS and deadline scopes
 * ignore the operator; PriorityClass matches the pod's priorityClassName with In / NotIn / Exists /
 * DoesNotExist; any other scope matches nothing.
 */
export function podMatchesSelector(pod: Pod, sel: ScopedResourceSelectorRequirement): boolean {
  switch (sel.scopeName) {
    case 'Terminating': return isTerminating(pod);
    case 'NotTerminating': return !isTerminating(pod);
    case 'BestEffort': return isBestEffort(pod);
    case 'NotBestEffort': return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = pod.spec.priorityClassName ?? '';
      switch (sel.operator) {
        case 'Exists': return pc !== '';
        case 'DoesNotExist': return pc === '';
        case 'In': return (sel.values ?? []).includes(pc);
        case 'NotIn': return !(sel.values ?? []).includes(pc);
        default: return false;
      }
    }
    default: return false;
  }
}

/** Whether a pod falls in every one of the given scope terms. */
export function podMatchesScopes(pod: Pod, selectors: ScopedResourceSelectorRequirement[]): boolean {
  return selectors.every((s) => podMatchesSelector(pod, s));
}

/**
 * Whether `quota`'s scopes take in an object of `resource` (in `group`): an unscoped quota takes
 * in everything; a scoped one only pods in every scope (other objects have no scopes upstream).
 */
export function quotaScopeMatches(quota: ResourceQuota, resource: string, group: string, obj: KubeObject): boolean {
  const selectors = quotaSelectors(quota);
  if (!selectors.length) return true;
  return resource === 'pods' && group === '' && podMatchesScopes(obj as Pod, selectors);
}

/** `count/<resource>[.<group>]`. */
export const countName = (resource: string, group: string): string => `count/${group ? `${resource}.${group}` : resource}`;

/** What one object of `resource` (in `group`) charges. */
export function objectUsage(resource: string, group: string, obj: KubeObject, now: number): Usage {
  const u: Usage = new Map();
  if (resource === 'pods' && group === '') {
    const pod = obj as Pod;
    if (!podCounts(pod, now)) return u;
    u.set('pods', '1');
    u.set('count/pods', '1');
    for (const [k, v] of podResources(pod, (c) => c.resources?.requests)) {
      if (STANDARD.includes(k)) u.set(k, v);
      u.set(`requests.${k}`, v);
    }
    for (const [k, v] of podResources(pod, (c) => c.resources?.limits)) u.set(`limits.${k}`, v);
    return u;
  }
  u.set(countName(resource, group), '1');
  if (group === '' && LEGACY_COUNTS.includes(resource)) u.set(resource, '1');
  if (resource === 'services' && group === '') {
    const svc = obj as Service;
    const type = svc.spec?.type;
    if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', String((svc.spec?.ports ?? []).length));
    if (type === 'LoadBalancer') u.set('services.loadbalancers', '1');
  }
  return u;
}

/** Objects of one resource of a namespace, as the quota controller reads them. */
export interface NamespaceObjects {
  resource: string;
  group: string;
  items: KubeObject[];
}

/** `status.used` of `quota`: every resource named in `spec.hard`, "0" when nothing charges it. */
export function computeUsed(quota: ResourceQuota, objects: NamespaceObjects[], now: number): ResourceList {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const wanted = new Set(hard);
  const total: Usage = new Map();
  for (const o of objects) {
    for (const item of o.items) {
      if (!quotaScopeMatches(quota, o.resource, o.group, item)) continue;
      for (const [k, v] of objectUsage(o.resource, o.group, item, now)) if (wanted.has(k)) add(total, k, v);
    }
  }
  return Object.fromEntries(hard.map((k) => [k, quantityToString(total.get(k) ?? '0')]));
}

/** Canonical form of a resource list, for comparisons. */
export function canonical(l: ResourceList | undefined): string {
  return JSON.stringify(Object.entries(l ?? {}).map(([k, v]) => [k, quantityToString(v)]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
}

/** What one object charges, as a resource list (admission's view of `objectUsage`). */
export function usageList(group: string, resource: string, obj: KubeObject, now: number): ResourceList {
  return Object.fromEntries([...objectUsage(resource, group, obj, now)].map(([k, v]) => [k, quantityToString(v)]));
}
