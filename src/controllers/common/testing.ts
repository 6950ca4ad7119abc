// Builders for controller unit tests (no I/O).
import type { Pod } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';

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
