// The aggregated "0/N nodes are available: ..." message of a failed scheduling attempt.
import type { Status } from './interface.js';

/** Why a pod fits nowhere: per-node statuses, or one PreFilter message, plus PostFilter's message. */
export interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  /** Set when a PreFilter plugin rejected the pod outright (every node then shares that status). */
  preFilterMsg?: string;
  postFilterMsg?: string;
  unschedulablePlugins: Set<string>;
}

/** Contract: histogram "count reason" entries, sorted as strings, joined by ", " (upstream order). */
export function reasonHistogram(nodeToStatus: Map<string, Status>): string {
  const counts = new Map<string, number>();
  for (const st of nodeToStatus.values()) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

/**
 * Contract: the FailedScheduling message, exactly as kube-scheduler formats FitError:
 * "0/N nodes are available: <prefilter msg | reason histogram>. <postfilter msg>."
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const h = reasonHistogram(d.nodeToStatus);
    if (h) msg += ` ${h}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
