// Which nodes a DaemonSet's pod belongs on (upstream NodeShouldRunDaemonPod) and the tolerations and
// node affinity every daemon pod gets (upstream AddOrUpdateDaemonPodTolerations and
// ReplaceDaemonSetPodNodeNameNodeAffinity).
import type { Affinity, Node, PodSpec, Toleration } from '../../api/types/index.js';
import { anyTermMatches } from '../../scheduler/plugins/helpers/node-selector.js';
import { findUntoleratedTaint } from '../../scheduler/plugins/helpers/taints.js';

/** The tolerations added to every daemon pod; network-unavailable only with hostNetwork. */
export function defaultDaemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** The spec's tolerations plus the defaults not already present (same key and effect). */
export function withDaemonTolerations(spec: PodSpec): Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  for (const d of defaultDaemonTolerations(!!spec.hostNetwork)) {
    if (!out.some((t) => t.key === d.key && t.effect === d.effect)) out.push(d);
  }
  return out;
}

/** The affinity pinning a daemon pod to `nodeName`: required terms replaced by a metadata.name match. */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const a: Affinity = structuredClone(affinity ?? {});
  a.nodeAffinity ??= {};
  a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return a;
}

/** The node a daemon pod is for: its nodeName, else the metadata.name value of its required affinity. */
export function targetNodeOf(spec: PodSpec): string | undefined {
  if (spec.nodeName) return spec.nodeName;
  for (const t of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = t.matchFields?.find((r) => r.key === 'metadata.name' && r.operator === 'In' && r.values?.length === 1);
    if (f) return f.values![0];
  }
  return undefined;
}

/** Whether a new pod should be placed and whether an existing pod may stay. */
export interface Eligibility { shouldRun: boolean; shouldContinueRunning: boolean }

/**
 * Steps: 1. nodeSelector and required node affinity must match the node's labels (else neither);
 * 2. taints vs the template's tolerations plus the daemon defaults: an untolerated NoSchedule taint
 *    blocks new pods only; an untolerated NoExecute taint also evicts existing ones.
 */
export function nodeShouldRunDaemonPod(node: Node, spec: PodSpec): Eligibility {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return { shouldRun: false, shouldContinueRunning: false };
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !anyTermMatches(terms, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec);
  const taints = node.spec?.taints;
  const noExec = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  if (noExec) return { shouldRun: false, shouldContinueRunning: false };
  const noSched = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule');
  return { shouldRun: !noSched, shouldContinueRunning: true };
}
