// The ResourceQuota controller: keeps `status.hard` (= spec.hard) and `status.used` of every quota
// current, recomputing a namespace's quotas when an object of it changes and on a periodic resync.
import type { KubeObject, ResourceQuota } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isNotFound, type ResourceRef } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';
import { gcResources } from '../garbagecollector/resources.js';
import { canonical, computeUsed } from './usage.js';

/** Options: resync period (upstream --resource-quota-sync-period, 5 min) and the counted resources. */
export interface ResourceQuotaOptions {
  resyncMs?: number;
  resources?: ResourceRef[];
}

/** Contract: a Runnable + Reconciler over "namespace/name" keys of ResourceQuotas. */
export class ResourceQuotaController {
  readonly name = 'resourcequota';
  readonly queue: WorkQueue<string>;
  private readonly quotas: Informer<ResourceQuota>;
  private readonly counted: { ref: ResourceRef; informer: Informer }[] = [];
  private readonly resyncMs: number;

  constructor(private readonly ctx: ControllerContext, o: ResourceQuotaOptions = {}) {
    this.resyncMs = o.resyncMs ?? 5 * 60_000;
    this.queue = ctx.newQueue(this.name);
    this.quotas = ctx.informers.informerFor<ResourceQuota>(R.resourcequotas);
    this.quotas.addEventHandler({
      onAdd: (q) => this.queue.add(keyOf(q)),
      onUpdate: (a, b) => {
        if (canonical(a.spec?.hard) !== canonical(b.spec?.hard) || JSON.stringify(a.spec?.scopes) !== JSON.stringify(b.spec?.scopes)) this.queue.add(keyOf(b));
      },
    });
    for (const ref of (o.resources ?? gcResources()).filter((r) => r.namespaced)) {
      const informer = ctx.informers.informerFor(ref);
      const isPods = ref.resource === 'pods' && ref.group === '';
      informer.addEventHandler({
        onAdd: (x) => this.enqueueNamespace(x),
        onDelete: (x) => this.enqueueNamespace(x),
        // Only pods change what they charge after creation (phase, deletion, resources).
        onUpdate: isPods ? (a, b) => {
          if (a.metadata.resourceVersion !== b.metadata.resourceVersion) this.enqueueNamespace(b);
        } : undefined,
      });
      this.counted.push({ ref, informer });
    }
  }

  private enqueueNamespace(obj: KubeObject): void {
    for (const q of this.quotas.store.byIndex('namespace', obj.metadata.namespace ?? '')) this.queue.add(keyOf(q));
  }

  /** Runs the workers and the periodic full resync. */
  start(signal: AbortSignal): Promise<void> {
    const resync = async () => {
      while (!signal.aborted) {
        await this.ctx.clock.sleep(this.resyncMs, signal).catch(() => undefined);
        for (const k of this.quotas.store.keys()) this.queue.add(k);
      }
    };
    void resync();
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.quotas, ...this.counted.map((c) => c.informer)] }, signal);
  }

  /** Steps: 1. read the quota; 2. compute used from the namespace's cached objects; 3. write status when it differs. */
  async reconcile(key: string): Promise<void> {
    const q = this.quotas.store.get(key);
    if (!q || q.metadata.deletionTimestamp) return;
    const ns = q.metadata.namespace;
    const objects = this.counted.map(({ ref, informer }) => ({ resource: ref.resource, group: ref.group, items: informer.store.byIndex('namespace', ns ?? '') }));
    const hard = { ...(q.spec?.hard ?? {}) };
    const used = computeUsed(q, objects, this.ctx.clock.now());
    if (canonical(hard) === canonical(q.status?.hard) && canonical(used) === canonical(q.status?.used) && q.status?.used) return;
    try {
      await this.ctx.clientset.resource<ResourceQuota>(R.resourcequotas).updateStatus(ns, { ...q, status: { hard, used } });
    } catch (e) {
      // A conflict is retried with back-off, from a fresher cache.
      if (!isNotFound(e)) throw e;
    }
  }
}
