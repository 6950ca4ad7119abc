// The ServiceAccount controller: a `default` ServiceAccount in every active namespace.
import type { Namespace, ServiceAccount } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isAlreadyExists, isNotFound } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';

/** Names of the accounts ensured in every namespace. */
export const MANAGED_ACCOUNTS = ['default'];

/** Contract: a Runnable + Reconciler over namespace names. */
export class ServiceAccountController {
  readonly name = 'serviceaccount';
  readonly queue: WorkQueue<string>;
  private readonly nsInformer: Informer<Namespace>;
  private readonly saInformer: Informer<ServiceAccount>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.newQueue(this.name);
    this.nsInformer = ctx.informers.informerFor<Namespace>(R.namespaces);
    this.saInformer = ctx.informers.informerFor<ServiceAccount>(R.serviceaccounts);
    this.nsInformer.addEventHandler({ onAdd: (ns) => this.queue.add(ns.metadata.name!), onUpdate: (_o, ns) => this.queue.add(ns.metadata.name!) });
    this.saInformer.addEventHandler({ onDelete: (sa) => MANAGED_ACCOUNTS.includes(sa.metadata.name!) && this.queue.add(sa.metadata.namespace!) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.nsInformer, this.saInformer] }, signal);
  }

  /** Steps: 1. skip missing or terminating namespaces; 2. create each managed account the cache lacks. */
  async reconcile(ns: string): Promise<void> {
    const n = this.nsInformer.store.get(ns);
    if (!n || n.metadata.deletionTimestamp || n.status?.phase === 'Terminating') return;
    const client = this.ctx.clientset.resource<ServiceAccount>(R.serviceaccounts);
    for (const name of MANAGED_ACCOUNTS) {
      if (this.saInformer.store.get(`${ns}/${name}`)) continue;
      try {
        await client.create(ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
      } catch (e) {
        // AlreadyExists: a stale cache; NotFound/Forbidden while the namespace terminates: nothing to do.
        if (!isAlreadyExists(e) && !isNotFound(e) && !(e instanceof Error && /forbidden|terminat/i.test(e.message))) throw e;
      }
    }
  }
}
