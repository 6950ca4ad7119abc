// Keeps the RBAC policy in place inside the apiserver: 1. at start, creates the bootstrap
// cluster roles and bindings that are missing and restores the rules of default roles whose
// `rbac.authorization.kubernetes.io/autoupdate` is not "false"; 2. while running, fills the
// rules of every aggregating ClusterRole from the roles its selectors match (level-triggered:
// each pass recomputes all of them whenever the cluster-role cache moved).
import type { KubeObject } from '../../api/types/index.js';
import type { ClusterRole } from '../../api/types/rbac.js';
import type { Logger } from '../../util/logger.js';
import type { UserInfo } from '../admission/interface.js';
import { StatusError } from '../errors.js';
import type { ResourceStore } from '../registry/store.js';
import { aggregatedRules, sameRules } from './aggregation.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.js';
import type { PrefixedCache } from './cache-source.js';

const SYSTEM: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
const wc = { dryRun: false, user: SYSTEM };
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

export interface PolicyControllerOptions {
  clusterRoles: ResourceStore;
  clusterRoleBindings: ResourceStore;
  clusterRoleCache: PrefixedCache;
  logger: Logger;
  /** How often the aggregation pass checks the cache for changes. */
  intervalMs?: number;
}

async function createIfMissing(store: ResourceStore, obj: KubeObject): Promise<boolean> {
  try {
    await store.create(undefined, obj, wc);
    return true;
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return false;
    throw err;
  }
}

export class PolicyController {
  private timer: NodeJS.Timeout | undefined;
  private lastRev = -1;
  private running = false;

  constructor(private readonly o: PolicyControllerOptions) {}

  /** Step 1: bootstrap roles and bindings (idempotent). */
  async ensureBootstrap(): Promise<void> {
    for (const role of bootstrapClusterRoles()) {
      if ((await createIfMissing(this.o.clusterRoles, role)) || role.aggregationRule) continue;
      const cur = (await this.o.clusterRoles.get(undefined, role.metadata.name!)) as ClusterRole;
      if (cur.metadata.annotations?.[AUTOUPDATE] === 'false' || sameRules(cur.rules, role.rules)) continue;
      await this.o.clusterRoles.guaranteedUpdate(undefined, role.metadata.name!, (c) => ({ ...c!, rules: role.rules }) as KubeObject, { wc });
    }
    for (const b of bootstrapClusterRoleBindings()) await createIfMissing(this.o.clusterRoleBindings, b as KubeObject);
  }

  /** Step 2: one aggregation pass over the cached cluster roles. */
  async aggregateOnce(): Promise<void> {
    const cache = this.o.clusterRoleCache.cache;
    await cache.start();
    const rev = cache.revision();
    if (rev === this.lastRev) return;
    const all = cache.list().items.map((v) => v.obj as ClusterRole);
    let failed = false;
    for (const target of all) {
      const want = aggregatedRules(target, all);
      if (!want || sameRules(want, target.rules)) continue;
      try {
        await this.o.clusterRoles.guaranteedUpdate(undefined, target.metadata.name!, (cur) => ({ ...cur!, rules: want }) as KubeObject, { wc });
      } catch (err) {
        failed = true;
        this.o.logger.warn({ role: target.metadata.name, err: (err as Error).message }, 'cluster role aggregation failed');
      }
    }
    if (!failed) this.lastRev = rev;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      void this.aggregateOnce().catch((e: Error) => this.o.logger.warn({ err: e.message }, 'cluster role aggregation pass failed')).finally(() => (this.running = false));
    }, this.o.intervalMs ?? 250);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
