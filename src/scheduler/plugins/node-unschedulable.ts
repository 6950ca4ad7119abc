// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods tolerating the unschedulable taint.
import { Status, type FilterPlugin } from '../framework/interface.js';
import { tolerates } from './helpers/taints.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Contract: Filter only. */
export function newNodeUnschedulable(): FilterPlugin {
  return {
    name: NODE_UNSCHEDULABLE,
    filter: (_s, pod, _pi, ni) => {
      if (!ni.node?.spec?.unschedulable) return Status.OK;
      const taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' as const };
      if ((pod.spec.tolerations ?? []).some((t) => tolerates(t, taint))) return Status.OK;
      return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  };
}
