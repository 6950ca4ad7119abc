// PrioritySort: the queue orders by priority (high first), then by time queued (old first).
import type { QueueSortPlugin } from '../framework/interface.js';
import { podPriority } from '../framework/pod-info.js';

export const PRIORITY_SORT = 'PrioritySort';

/** Contract: QueueSort only. */
export function newPrioritySort(): QueueSortPlugin {
  return {
    name: PRIORITY_SORT,
    less: (a, b) => {
      const pa = podPriority(a.podInfo.pod);
      const pb = podPriority(b.podInfo.pod);
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  };
}
