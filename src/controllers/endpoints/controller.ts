// The Endpoints controller: one Endpoints object per selector Service, following pod readiness.
import type { Endpoints, Pod, Service } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { splitKey } from '../../client/cache/interfaces.js';
import { isAlreadyExists, isNotFound, type ResourceClient } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { selfHandlers } from '../common/owner-events.js';
import { runController } from '../common/run.js';
import { indexServicesAndPods, podsOfService } from '../common/service-index.js';
import { podToServiceHandlers } from '../common/service-events.js';
import { endpointsEqual, renderEndpoints } from './render.js';

/** Contract: a Runnable + Reconciler over "namespace/name" keys of Services. */
export class EndpointsController {
  readonly name = 'endpoint';
  readonly queue: WorkQueue<string>;
  private readonly svcInformer: Informer<Service>;
  private readonly podInformer: Informer<Pod>;
  private readonly epInformer: Informer<Endpoints>;
  private readonly endpoints: ResourceClient<Endpoints>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.newQueue(this.name);
    this.svcInformer = ctx.informers.informerFor<Service>(R.services);
    this.podInformer = ctx.informers.informerFor<Pod>(R.pods);
    this.epInformer = ctx.informers.informerFor<Endpoints>(R.endpoints);
    this.endpoints = ctx.clientset.resource<Endpoints>(R.endpoints);
    indexServicesAndPods(this.svcInformer, this.podInformer);
    const enqueue = (k: string) => this.queue.add(k);
    this.svcInformer.addEventHandler(selfHandlers<Service>(enqueue));
    this.podInformer.addEventHandler(podToServiceHandlers(this.svcInformer.store, enqueue));
    this.epInformer.addEventHandler({ onDelete: (ep) => this.svcInformer.store.get(`${ep.metadata.namespace}/${ep.metadata.name}`) && enqueue(`${ep.metadata.namespace}/${ep.metadata.name}`) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.svcInformer, this.podInformer, this.epInformer] }, signal);
  }

  /** Steps: 1. service gone → delete its Endpoints; 2. no selector → leave alone; 3. render; 4. create or update if different. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.svcInformer.store.get(key);
    if (!svc) {
      try {
        await this.endpoints.delete(namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return;
    const want = renderEndpoints(svc, podsOfService(this.podInformer.store, svc));
    const cur = this.epInformer.store.get(key);
    if (!cur) {
      try {
        await this.endpoints.create(namespace, want);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const live = await this.endpoints.get(namespace, name);
        await this.endpoints.update(namespace, { ...want, metadata: { ...live.metadata, labels: want.metadata.labels } });
      }
      return;
    }
    if (endpointsEqual(cur, want)) return;
    await this.endpoints.update(namespace, { ...cur, subsets: want.subsets, metadata: { ...cur.metadata, labels: want.metadata.labels } });
  }
}
