// The EndpointSlice controller: managed slices per selector Service, following pod readiness.
import type { EndpointSlice, Pod, Service } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { splitKey } from '../../client/cache/interfaces.js';
import { isNotFound, type ResourceClient } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { newControllerRef } from '../common/controller-ref.js';
import { selfHandlers } from '../common/owner-events.js';
import { runController } from '../common/run.js';
import { indexServicesAndPods, podsOfService } from '../common/service-index.js';
import { podToServiceHandlers } from '../common/service-events.js';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, planSlices, renderSlices, sliceLabels } from './render.js';

/** Index of the slice informer: managed slices by "namespace/service". */
const SLICE_SERVICE_INDEX = 'endpointslice/service';

/** Contract: a Runnable + Reconciler over "namespace/name" keys of Services. */
export class EndpointSliceController {
  readonly name = 'endpointslice';
  readonly queue: WorkQueue<string>;
  private readonly svcInformer: Informer<Service>;
  private readonly podInformer: Informer<Pod>;
  private readonly sliceInformer: Informer<EndpointSlice>;
  private readonly slices: ResourceClient<EndpointSlice>;
  /** Slices we created that the informer has not shown yet, per service key (avoids duplicate creates). */
  private readonly unseen = new Map<string, { names: Set<string>; at: number }>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.newQueue(this.name);
    this.svcInformer = ctx.informers.informerFor<Service>(R.services);
    this.podInformer = ctx.informers.informerFor<Pod>(R.pods);
    this.sliceInformer = ctx.informers.informerFor<EndpointSlice>(R.endpointslices);
    this.slices = ctx.clientset.resource<EndpointSlice>(R.endpointslices);
    indexServicesAndPods(this.svcInformer, this.podInformer);
    this.sliceInformer.addIndexer(SLICE_SERVICE_INDEX, (s) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? [`${s.metadata.namespace ?? ''}/${svc}`] : [];
    });
    const enqueue = (k: string) => this.queue.add(k);
    this.svcInformer.addEventHandler(selfHandlers<Service>(enqueue));
    this.podInformer.addEventHandler(podToServiceHandlers(this.svcInformer.store, enqueue));
    const sliceOwner = (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) enqueue(`${s.metadata.namespace}/${svc}`);
    };
    this.sliceInformer.addEventHandler({ onDelete: sliceOwner });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.svcInformer, this.podInformer, this.sliceInformer] }, signal);
  }

  private managedSlices(namespace: string | undefined, service: string): EndpointSlice[] {
    return this.sliceInformer.store.byIndex(SLICE_SERVICE_INDEX, `${namespace ?? ''}/${service}`).filter((s) => !s.metadata.deletionTimestamp);
  }

  /** Steps: 1. service gone → delete its managed slices; 2. no selector → nothing; 3. render and plan; 4. apply creates, updates, deletes. */
  async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKey(key);
    const unseen = this.unseen.get(key);
    if (unseen) {
      for (const n of unseen.names) if (this.sliceInformer.store.get(`${namespace}/${n}`)) unseen.names.delete(n);
      if (unseen.names.size > 0 && this.ctx.clock.now() - unseen.at < 10_000) return { requeueAfter: 100 };
      this.unseen.delete(key);
    }
    const svc = this.svcInformer.store.get(key);
    const existing = this.managedSlices(namespace, name);
    if (!svc || !svc.spec.selector || Object.keys(svc.spec.selector).length === 0) {
      if (!svc) await Promise.all(existing.map((s) => this.remove(s)));
      return;
    }
    const labels = sliceLabels(svc);
    const desired = renderSlices(svc, podsOfService(this.podInformer.store, svc));
    const plan = planSlices(desired, existing, labels);
    const owner = newControllerRef(svc, 'v1', 'Service');
    await Promise.all([
      ...plan.update.map(({ slice, content }) => this.slices.update(namespace, {
        ...slice, metadata: { ...slice.metadata, labels }, ports: content.ports, endpoints: content.endpoints,
      })),
      ...plan.create.map(async (content) => this.track(key, await this.slices.create(namespace, {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { generateName: `${svc.metadata.name}-`, namespace, labels, ownerReferences: [owner] },
        addressType: 'IPv4', ports: content.ports, endpoints: content.endpoints,
      }))),
      ...plan.delete.map((s) => this.remove(s)),
    ]);
  }

  private track(key: string, created: EndpointSlice): void {
    let u = this.unseen.get(key);
    if (!u) this.unseen.set(key, (u = { names: new Set(), at: this.ctx.clock.now() }));
    u.names.add(created.metadata.name!);
  }

  private async remove(s: EndpointSlice): Promise<void> {
    try {
      await this.slices.delete(s.metadata.namespace, s.metadata.name!);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

