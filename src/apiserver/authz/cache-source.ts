// RbacSource and PodsByNode over the apiserver's watch caches (one per resource), so an
// authorization decision reads memory only.
import type { Pod } from '../../api/types/index.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../api/types/rbac.js';
import type { WatchCache } from '../storage/watch-cache.js';
import type { PodsByNode } from './node.js';
import type { RbacSource } from './rbac.js';

/** A watch cache with the etcd key prefix of its resource (`/registry/<group>/<resource>/`). */
export interface PrefixedCache {
  cache: WatchCache;
  prefix: string;
}

export class CacheRbacSource implements RbacSource {
  private readyP: Promise<void> | undefined;
  constructor(private readonly c: { roles: PrefixedCache; roleBindings: PrefixedCache; clusterRoles: PrefixedCache; clusterRoleBindings: PrefixedCache }) {}

  ready(): Promise<void> {
    this.readyP ??= Promise.all([this.c.roles, this.c.roleBindings, this.c.clusterRoles, this.c.clusterRoleBindings].map((p) => p.cache.start())).then(() => undefined);
    return this.readyP;
  }
  clusterRole(name: string): ClusterRole | undefined {
    return this.c.clusterRoles.cache.get(this.c.clusterRoles.prefix + name)?.obj as ClusterRole | undefined;
  }
  role(namespace: string, name: string): Role | undefined {
    return this.c.roles.cache.get(`${this.c.roles.prefix}${namespace}/${name}`)?.obj as Role | undefined;
  }
  clusterRoleBindings(): ClusterRoleBinding[] {
    return this.c.clusterRoleBindings.cache.list().items.map((v) => v.obj as ClusterRoleBinding);
  }
  roleBindings(namespace: string): RoleBinding[] {
    return this.c.roleBindings.cache.list(`${this.c.roleBindings.prefix}${namespace}/`).items.map((v) => v.obj as RoleBinding);
  }
}

export class CachePodsByNode implements PodsByNode {
  constructor(private readonly pods: PrefixedCache) {}
  ready(): Promise<void> {
    return this.pods.cache.start();
  }
  podsOn(nodeName: string, namespace: string): Pod[] {
    return this.pods.cache.list(`${this.pods.prefix}${namespace}/`).items.map((v) => v.obj as Pod).filter((p) => p.spec?.nodeName === nodeName);
  }
}
