// Defaulting for the smaller kinds: namespaces, secrets, nodes, endpoints, endpoint slices,
// priority classes, limit ranges and RBAC subjects.
import type { EndpointSlice, Endpoints, LimitRange, Namespace, Node, PriorityClass, Secret } from '../types/index.js';

/** Namespaces: the `kubernetes` finalizer and phase Active. */
export function defaultNamespace(ns: Namespace): void {
  ns.spec ??= {};
  ns.spec.finalizers ??= ['kubernetes'];
  ns.status ??= {};
  ns.status.phase ??= 'Active';
}

/** Secrets: type Opaque; `stringData` merged into base64 `data` and removed. */
export function defaultSecret(s: Secret): void {
  s.type ??= 'Opaque';
  if (s.stringData) {
    s.data ??= {};
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
}

/** Nodes: allocatable defaults to capacity. */
export function defaultNode(n: Node): void {
  if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
}

/** Endpoints: port protocol TCP. */
export function defaultEndpoints(ep: Endpoints): void {
  for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
}

/** EndpointSlices: port name "" and protocol TCP. */
export function defaultEndpointSlice(es: EndpointSlice): void {
  for (const p of es.ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

/** PriorityClasses: preemptionPolicy PreemptLowerPriority. */
export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= 'PreemptLowerPriority';
}

/** LimitRanges (Container items): default ← max, defaultRequest ← default. */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    if (item.max) {
      item.default ??= {};
      for (const [k, v] of Object.entries(item.max)) item.default[k] ??= v;
    }
    if (item.default) {
      item.defaultRequest ??= {};
      for (const [k, v] of Object.entries(item.default)) item.defaultRequest[k] ??= v;
    }
  }
}

/** RBAC bindings: User/Group subjects get apiGroup rbac.authorization.k8s.io; ServiceAccounts "". */
export function defaultRoleBinding(b: { subjects?: { kind?: string; apiGroup?: string }[] }): void {
  for (const s of b.subjects ?? []) {
    if (s.apiGroup !== undefined) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}
