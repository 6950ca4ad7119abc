// The root-ca-cert-publisher: a `kube-root-ca.crt` ConfigMap holding the cluster CA (`ca.crt`)
// in every active namespace, for the projected service-account volume. Kept equal to the CA.
import type { ConfigMap, Namespace } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isAlreadyExists, isNotFound } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Contract: a Runnable + Reconciler over namespace names; `rootCA` is the PEM bundle ('' when none is configured). */
export class RootCACertPublisher {
  readonly name = 'root-ca-cert-publisher';
  readonly queue: WorkQueue<string>;
  private readonly nsInformer: Informer<Namespace>;
  private readonly cmInformer: Informer<ConfigMap>;

  constructor(private readonly ctx: ControllerContext, private readonly rootCA: string) {
    this.queue = ctx.newQueue(this.name);
    this.nsInformer = ctx.informers.informerFor<Namespace>(R.namespaces);
    this.cmInformer = ctx.informers.informerFor<ConfigMap>(R.configmaps);
    this.nsInformer.addEventHandler({ onAdd: (ns) => this.queue.add(ns.metadata.name!), onUpdate: (_o, ns) => this.queue.add(ns.metadata.name!) });
    const mine = (cm: ConfigMap) => cm.metadata.name === ROOT_CA_CONFIGMAP && this.queue.add(cm.metadata.namespace!);
    this.cmInformer.addEventHandler({ onUpdate: (_o, cm) => mine(cm), onDelete: mine });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.nsInformer, this.cmInformer] }, signal);
  }

  /** Steps: 1. skip missing or terminating namespaces; 2. create the ConfigMap, or 3. put `ca.crt` back when it differs. */
  async reconcile(ns: string): Promise<void> {
    const n = this.nsInformer.store.get(ns);
    if (!n || n.metadata.deletionTimestamp || n.status?.phase === 'Terminating') return;
    const client = this.ctx.clientset.resource<ConfigMap>(R.configmaps);
    const cur = this.cmInformer.store.get(`${ns}/${ROOT_CA_CONFIGMAP}`);
    try {
      if (!cur) {
        await client.create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { 'kubernetes.io/description': DESCRIPTION } }, data: { 'ca.crt': this.rootCA } });
      } else if (cur.data?.['ca.crt'] !== this.rootCA || Object.keys(cur.data ?? {}).length !== 1) {
        await client.update(ns, { ...cur, data: { 'ca.crt': this.rootCA } });
      }
    } catch (e) {
      // AlreadyExists / NotFound: a stale cache, the next event fixes it; a terminating namespace refuses creates.
      if (!isAlreadyExists(e) && !isNotFound(e) && !(e instanceof Error && /forbidden|terminat/i.test(e.message))) throw e;
    }
  }
}
