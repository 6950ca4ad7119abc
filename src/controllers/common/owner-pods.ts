// The wiring shared by controllers that own pods through a label selector (ReplicaSet, DaemonSet,
// StatefulSet, Job): their queue, the owner and pod informers, the event handlers that turn owner and
// pod events into owner keys, and claiming (adopting/releasing) the pods an owner's selector matches.
import type { KubeObject, LabelSelector, OwnerReference, Pod } from '../../api/types/index.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { keyOf } from '../../client/cache/interfaces.js';
import type { ResourceRef } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { Reconciler, WorkQueue } from '../../client/workqueue/interfaces.js';
import type { Logger } from '../../util/logger.js';
import { claimObjects } from './claim.js';
import type { ControllerContext } from './context.js';
import type { Expectations } from './expectations.js';
import { dependentHandlers, inNamespace, selfHandlers } from './owner-events.js';
import { runController } from './run.js';

/** An owner kind whose pods are chosen by `spec.selector` (no selector selects nothing). */
export type SelectorOwner = KubeObject & { spec: { selector?: LabelSelector } };

/** Options of `wireOwnerPods`. */
export interface OwnerPodsOptions<O extends SelectorOwner> {
  ctx: ControllerContext;
  /** The controller's name: its queue, log and metrics. */
  name: string;
  ownerRef: ResourceRef;
  ownerKind: string;
  expectations?: Expectations;
  /** Extra cleanup when an owner is deleted (its expectations are dropped already). */
  onOwnerDeleted?(owner: O): void;
  /** Extra reaction to an update of an owned pod (e.g. requeue after minReadySeconds). */
  onOwnedUpdate?(ownerKey: string, oldPod: Pod, newPod: Pod): void;
}

/** Contract: what `wireOwnerPods` built; `start` runs the controller's workers over `reconciler`. */
export interface OwnerPods<O extends SelectorOwner> {
  readonly queue: WorkQueue<string>;
  readonly owners: Informer<O>;
  readonly pods: Informer<Pod>;
  readonly log: Logger;
  /** Adopts matching orphans and releases owned pods that stopped matching; returns the pods `owner` controls. */
  claimPods(owner: O, ref: OwnerReference, filter?: (p: Pod) => boolean): Promise<Pod[]>;
  /** Waits for the owner and pod informers (and `more`), then runs the workers until `signal` aborts. */
  start(reconciler: Reconciler, signal: AbortSignal, more?: Informer[]): Promise<void>;
}

/**
 * Steps: 1. a queue and the owner + pod informers; 2. owner events enqueue the owner (a delete drops
 * its expectations); 3. pod events enqueue the controlling owner, or for orphans every owner of the
 * namespace whose selector matches (expectations observed on the way).
 */
export function wireOwnerPods<O extends SelectorOwner>(o: OwnerPodsOptions<O>): OwnerPods<O> {
  const { ctx } = o;
  const queue = ctx.newQueue(o.name);
  const log = ctx.logger.child({ controller: o.name });
  const owners = ctx.informers.informerFor<O>(o.ownerRef);
  const pods = ctx.informers.informerFor<Pod>(R.pods);
  const enqueue = (k: string) => queue.add(k);
  owners.addEventHandler(selfHandlers<O>(enqueue, (owner) => {
    o.expectations?.delete(keyOf(owner));
    o.onOwnerDeleted?.(owner);
  }));
  pods.addEventHandler(dependentHandlers<O, Pod>({
    ownerKind: o.ownerKind, owners: owners.store, enqueue, expectations: o.expectations,
    ownersOfOrphan: (pod) => inNamespace(owners.store, pod.metadata.namespace)
      .filter((ow) => selectorFromLabelSelector(ow.spec.selector).matches(pod.metadata.labels)),
    onOwnedUpdate: o.onOwnedUpdate,
  }));
  const podClient = ctx.clientset.resource<Pod>(R.pods);
  return {
    queue, owners, pods, log,
    claimPods: (owner, ref, filter) => {
      const selector = selectorFromLabelSelector(owner.spec.selector);
      const candidates = inNamespace(pods.store, owner.metadata.namespace);
      return claimObjects({
        client: podClient, owner, ref, log,
        candidates: filter ? candidates.filter(filter) : candidates, matches: (p) => selector.matches(p.metadata.labels),
      });
    },
    start: (reconciler, signal, more = []) =>
      runController({ name: o.name, ctx, queue, reconciler, informers: [owners as Informer, pods as Informer, ...more] }, signal),
  };
}
