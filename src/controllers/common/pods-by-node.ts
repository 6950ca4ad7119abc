// A "nodeName" index on the shared pod informer, for controllers that act on a node's pods.
import type { Pod } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';

export const POD_NODE_INDEX = 'spec.nodeName';

/** Adds the index (idempotent: the same function under the same name). */
export function indexPodsByNode(pods: Informer<Pod>): void {
  pods.addIndexer(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
}

/** Pods bound to `node` (requires `indexPodsByNode`). */
export function podsOnNode(pods: Informer<Pod>, node: string): Pod[] {
  return pods.store.byIndex(POD_NODE_INDEX, node);
}
