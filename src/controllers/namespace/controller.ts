// The Namespace controller: empties a terminating namespace, then removes the `kubernetes` finalizer.
import type { KubeObject, Namespace } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isNotFound, type ResourceRef } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';
import { deletionConditions, type DeletionPass } from './conditions.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

/** Namespaced resources deleted with a namespace: every namespaced resource we serve plus RBAC. */
export function namespacedResources(): ResourceRef[] {
  const rbac = (resource: string, kind: string): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, kind, namespaced: true });
  return [...Object.values(R).filter((r) => r.namespaced), rbac('roles', 'Role'), rbac('rolebindings', 'RoleBinding')];
}

/** Contract: a Runnable + Reconciler over namespace names. */
export class NamespaceController {
  readonly name = 'namespace';
  readonly queue: WorkQueue<string>;
  private readonly nsInformer: Informer<Namespace>;

  constructor(private readonly ctx: ControllerContext, private readonly resources: ResourceRef[] = namespacedResources()) {
    this.queue = ctx.newQueue(this.name);
    this.nsInformer = ctx.informers.informerFor<Namespace>(R.namespaces);
    this.nsInformer.addEventHandler({ onAdd: (n) => this.queue.add(n.metadata.name!), onUpdate: (_o, n) => this.queue.add(n.metadata.name!) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.nsInformer] }, signal);
  }

  /**
   * Steps: 1. only namespaces being deleted; 2. delete every object of every namespaced resource
   * (a resource the server does not serve counts as discovery failure only when it is not a 404);
   * 3. list what remains and which finalizers hold it; 4. write the conditions; 5. when empty,
   * remove the `kubernetes` finalizer through namespaces/<ns>/finalize, else requeue.
   */
  async reconcile(name: string): Promise<{ requeueAfter?: number } | void> {
    const ns = this.nsInformer.store.get(name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;
    const pass: DeletionPass = { discoveryErrors: [], contentErrors: [], remaining: new Map(), finalizers: new Map() };
    await Promise.all(this.resources.map((r) => this.deleteAll(name, r, pass)));
    const empty = [...pass.remaining.values()].every((n) => n === 0);
    const conditions = deletionConditions(pass, this.ctx.clock.now(), ns.status?.conditions);
    const nsClient = this.ctx.clientset.resource<Namespace>(R.namespaces);
    if (JSON.stringify(conditions.map((c) => [c.type, c.status, c.message])) !== JSON.stringify((ns.status?.conditions ?? []).map((c) => [c.type, c.status, c.message]))) {
      try {
        await nsClient.updateStatus(undefined, { ...ns, status: { ...(ns.status ?? {}), phase: 'Terminating', conditions } });
      } catch (e) {
        if (isNotFound(e)) return;
        if (!empty) throw e;
      }
    }
    if (!empty || pass.discoveryErrors.length || pass.contentErrors.length) return { requeueAfter: 1000 };
    await this.finalize(name);
  }

  private async deleteAll(ns: string, r: ResourceRef, pass: DeletionPass): Promise<void> {
    const client = this.ctx.clientset.resource<KubeObject>(r);
    let items: KubeObject[];
    try {
      items = (await client.list(ns)).items;
    } catch (e) {
      if (!isNotFound(e)) pass.discoveryErrors.push(`${r.group || 'core'}/${r.version}/${r.resource}`);
      return;
    }
    const live = items.filter((o) => !o.metadata.deletionTimestamp);
    await Promise.all(live.map(async (o) => {
      try {
        await client.delete(ns, o.metadata.name!, { propagationPolicy: 'Background' });
      } catch (e) {
        if (!isNotFound(e)) pass.contentErrors.push(`${r.resource}/${o.metadata.name}: ${(e as Error).message}`);
      }
    }));
    let remaining: KubeObject[] = items;
    if (live.length) {
      try {
        remaining = (await client.list(ns)).items;
      } catch {
        remaining = items;
      }
    }
    if (remaining.length) pass.remaining.set(`${r.resource}${r.group ? `.${r.group}` : ''}`, remaining.length);
    for (const o of remaining) for (const f of o.metadata.finalizers ?? []) pass.finalizers.set(f, (pass.finalizers.get(f) ?? 0) + 1);
  }

  /** PUT /api/v1/namespaces/<ns>/finalize without the `kubernetes` finalizer. */
  private async finalize(name: string): Promise<void> {
    const client = this.ctx.clientset.resource<Namespace>(R.namespaces);
    let ns: Namespace;
    try {
      ns = await client.get(undefined, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
    const body: Namespace = { ...ns, spec: { ...(ns.spec ?? {}), finalizers } };
    try {
      if (client.updateSubresource) await client.updateSubresource(undefined, body, 'finalize');
      else await client.patch(undefined, name, 'merge', { spec: { finalizers } }, { subresource: 'finalize' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
