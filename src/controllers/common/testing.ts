// Builders for controller unit tests (no I/O).
import type { Pod } from '../../api/types/index.js';
import type { Clientset } from '../../client/interfaces.js';
import { newSharedInformerFactory } from '../../client/cache/informer.js';
import { newWorkQueue } from '../../client/workqueue/queue.js';
import { rfc3339, type Clock } from '../../util/clock.js';
import { silentLogger } from '../../util/logger.js';
import { FakeRecorder, type ControllerContext } from './context.js';

/** Options of `makePod`: everything optional. */
export interface PodOpts {
  name: string;
  namespace?: string;
  node?: string;
  phase?: 'Pending' | 'Running' | 'Unknown' | 'Succeeded' | 'Failed';
  readySince?: number;
  created?: number;
  restarts?: number;
  labels?: Record<string, string>;
  ownerUid?: string;
  ownerKind?: string;
  ownerName?: string;
}

/** A pod with the given status facts. */
export function makePod(o: PodOpts): Pod {
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace ?? 'default', uid: `uid-${o.name}`, creationTimestamp: rfc3339(o.created ?? 0), labels: o.labels ?? {}, resourceVersion: '1' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(o.readySince) }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', ready: o.readySince !== undefined, restartCount: o.restarts ?? 0, image: 'busybox', imageID: '' }],
    },
  };
  if (o.ownerUid) pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: o.ownerKind ?? 'ReplicaSet', name: o.ownerName ?? 'rs', uid: o.ownerUid, controller: true }];
  return pod;
}

/** Polls `cond` every 10 ms for up to 2 s; throws when it never holds. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`${what} not reached`);
}

/** A controller context over a fake clientset; `sync` starts its informers (after the controller asked for them) and waits for them. */
export function fakeControllerContext(cs: Clientset, clock: Clock): { ctx: ControllerContext; recorder: FakeRecorder; stop: AbortController; sync(): Promise<void> } {
  const stop = new AbortController();
  const informers = newSharedInformerFactory(cs, { logger: silentLogger() });
  const recorder = new FakeRecorder();
  const ctx: ControllerContext = { clientset: cs, informers, clock, logger: silentLogger(), recorder, newQueue: () => newWorkQueue() };
  return {
    ctx, recorder, stop,
    sync: async () => {
      informers.start(stop.signal);
      await informers.waitForSync(stop.signal);
    },
  };
}
