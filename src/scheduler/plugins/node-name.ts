// NodeName: a pod with spec.nodeName fits only that node.
import { Status, type FilterPlugin } from '../framework/interface.js';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** Contract: Filter only. */
export function newNodeName(): FilterPlugin {
  return {
    name: NODE_NAME,
    filter: (_s, pod, _pi, ni) => (!pod.spec.nodeName || pod.spec.nodeName === ni.name ? Status.OK : Status.unresolvable(ERR_REASON_NODE_NAME)),
  };
}
