// The resources the garbage collector watches, and resolving an ownerReference's apiVersion/kind to one.
import type { OwnerReference } from '../../api/types/index.js';
import type { ResourceRef } from '../../client/interfaces.js';
import { R, apiVersionOf } from '../../client/resources.js';

const rbac = (resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, kind, namespaced });

/** Every served resource that can own or be owned (events are left out: they never own and are many). */
export function gcResources(): ResourceRef[] {
  return [
    ...Object.values(R).filter((r) => r.resource !== 'events'),
    rbac('roles', 'Role', true), rbac('rolebindings', 'RoleBinding', true),
    rbac('clusterroles', 'ClusterRole', false), rbac('clusterrolebindings', 'ClusterRoleBinding', false),
  ];
}

/** The resource an ownerReference points at (by group of apiVersion and kind; any version of the group). */
export function resourceForOwner(resources: ResourceRef[], o: Pick<OwnerReference, 'apiVersion' | 'kind'>): ResourceRef | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return resources.find((r) => apiVersionOf(r) === o.apiVersion && r.kind === o.kind) ?? resources.find((r) => r.group === group && r.kind === o.kind);
}
