// NodePorts: a pod's hostPorts must be free on the node.
import { Status, type FilterPlugin, type PreFilterPlugin } from '../framework/interface.js';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Contract: PreFilter (Skip when the pod asks for no host port) + Filter. */
export function newNodePorts(): PreFilterPlugin & FilterPlugin {
  return {
    name: NODE_PORTS,
    preFilter: (_s, _pod, pi) => ({ status: pi.hostPorts.length ? Status.OK : Status.SKIP }),
    filter: (_s, _pod, pi, ni) => {
      for (const hp of pi.hostPorts) if (ni.portConflict(hp)) return Status.unschedulable(ERR_REASON_NODE_PORTS);
      return Status.OK;
    },
  };
}
