// The ResourceQuota controller: recounts what each namespace uses of its quotas' `spec.hard` and
// writes `status.hard`/`status.used` (compare-and-swap), so usage charged by admission comes back
// down after deletes and failed creates. Triggers: quota changes, pod deletions and pods that
// finish; plus a periodic full recount.
import type { KubeObject, Pod, ResourceQuota } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isConflict, isNotFound, type ResourceRef } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import { podCounts, quotaSources, sumUsage, usageOf } from '../../apiserver/admission/quota/usage.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';

/** Full recount period, as upstream's --resource-quota-sync-period (5 m); shorter here. */
export const RESYNC_MS = 60_000;

const same = (a: object | undefined, b: object | undefined) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

export class ResourceQuotaController {
  readonly name = 'resourcequota';
  readonly queue: WorkQueue<string>;
  private readonly quotas: Informer<ResourceQuota>;
  private readonly pods: Informer<Pod>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.newQueue(this.name);
    this.quotas = ctx.informers.informerFor<ResourceQuota>(R.resourcequotas);
    this.pods = ctx.informers.informerFor<Pod>(R.pods);
    const ns = (o: KubeObject) => this.queue.add(o.metadata.namespace!);
    this.quotas.addEventHandler({ onAdd: ns, onUpdate: (o, n) => !same(o.spec?.hard, n.spec?.hard) && ns(n) });
    this.pods.addEventHandler({ onDelete: ns, onUpdate: (o, n) => podCounts(o) !== podCounts(n) && ns(n) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.quotas, this.pods] }, signal);
  }

  /** Steps: 1. the namespace's quotas; 2. recount each; 3. write status when it changed; 4. come back for the periodic recount. */
  async reconcile(ns: string): Promise<{ requeueAfter?: number }> {
    const quotas = this.quotas.store.list().filter((q) => q.metadata.namespace === ns);
    if (!quotas.length) return {};
    const client = this.ctx.clientset.resource<ResourceQuota>(R.resourcequotas);
    for (const q of quotas) {
      const hard = q.spec?.hard ?? {};
      const usages = [];
      for (const src of quotaSources(hard, Object.values(R))) {
        // Pods come from the cache (kept fresh by the watch); other kinds are listed.
        const ref = Object.values(R).find((r) => r.group === src.group && r.resource === src.resource) as ResourceRef;
        const items: KubeObject[] = src.resource === 'pods' && !src.group ? this.pods.store.list().filter((p) => p.metadata.namespace === ns) : (await this.ctx.clientset.resource(ref).list(ns)).items;
        for (const o of items) usages.push(usageOf(src.group, src.resource, o));
      }
      const used = sumUsage(hard, usages);
      if (same(q.status?.hard, hard) && same(q.status?.used, used)) continue;
      try {
        await client.updateStatus(ns, { ...q, status: { hard, used } });
      } catch (e) {
        if (isNotFound(e)) continue;
        if (isConflict(e)) {
          this.queue.addRateLimited(ns);
          continue;
        }
        throw e;
      }
    }
    return { requeueAfter: RESYNC_MS };
  }
}
