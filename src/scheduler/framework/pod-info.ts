// PodInfo: a pod with everything scheduling derives from it computed once (requests, ports, affinity terms).
import type { Pod, PodAffinityTerm } from '../../api/types/core.js';
import { labelSelectorMatcher, type LabelMatcher } from '../../api/labels.js';
import { podRequests, type Resource } from './resources.js';

/** A compiled pod (anti-)affinity term. `namespaces` undefined = all namespaces. */
export interface AffinityTerm {
  selector: LabelMatcher;
  namespaces: Set<string> | undefined;
  /** A non-empty `namespaceSelector`: also selects pods in namespaces whose labels it matches. */
  nsSelector: LabelMatcher | undefined;
  topologyKey: string;
  weight: number;
  /** Identity of what the term selects (selector + namespaces), for memoised matching. */
  sig: string;
}

/** A host port a pod asks for. */
export interface HostPort { ip: string; protocol: string; port: number }

/** Contract: immutable derived data of one pod; rebuild it when the pod changes. */
export interface PodInfo {
  pod: Pod;
  key: string;
  /** Namespace + sorted labels: pods with equal keys match every selector alike. */
  labelsKey: string;
  requests: Resource;
  nonZeroRequests: Resource;
  hostPorts: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

/**
 * Compiles one term as upstream: `namespaces` ∪ namespaces matched by `namespaceSelector`;
 * `namespaceSelector: {}` means all namespaces; neither set means the pod's own namespace.
 */
export function compileAffinityTerm(pod: Pod, t: PodAffinityTerm, weight = 1): AffinityTerm {
  let namespaces: Set<string> | undefined = new Set(t.namespaces ?? []);
  const nsSel = t.namespaceSelector ?? undefined;
  let nsSelector: LabelMatcher | undefined;
  if (nsSel) {
    nsSelector = labelSelectorMatcher(nsSel);
    if (nsSelector.empty) { namespaces = undefined; nsSelector = undefined; }
  } else if (namespaces.size === 0) namespaces.add(pod.metadata.namespace ?? 'default');
  // matchLabelKeys / mismatchLabelKeys fold the incoming pod's label values into the selector.
  const ls = { matchLabels: { ...(t.labelSelector?.matchLabels ?? {}) }, matchExpressions: [...(t.labelSelector?.matchExpressions ?? [])] };
  const labels = pod.metadata.labels ?? {};
  for (const k of t.matchLabelKeys ?? []) if (k in labels) ls.matchExpressions.push({ key: k, operator: 'In', values: [labels[k]!] });
  for (const k of t.mismatchLabelKeys ?? []) if (k in labels) ls.matchExpressions.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  const sig = JSON.stringify([t.labelSelector ? ls : null, namespaces ? [...namespaces].sort() : null, nsSelector ? nsSel : null]);
  return { selector: labelSelectorMatcher(t.labelSelector ? ls : undefined), namespaces, nsSelector, topologyKey: t.topologyKey, weight, sig };
}

/** Labels of a namespace by name (undefined when unknown). */
export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

/** Contract: does `term` (owned by some pod) select `other`? `nsLabels` resolves namespace selectors. */
export function termMatches(term: AffinityTerm, other: Pod, nsLabels?: NamespaceLabels): boolean {
  if (term.namespaces) {
    const ns = other.metadata.namespace ?? 'default';
    if (!term.namespaces.has(ns) && !(term.nsSelector && term.nsSelector.matches(nsLabels?.(ns) ?? {}))) return false;
  }
  return term.selector.matches(other.metadata.labels);
}

/** Contract: derives a PodInfo from a pod. */
export function newPodInfo(pod: Pod): PodInfo {
  const a = pod.spec.affinity;
  const hostPorts: HostPort[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
    }
  }
  return {
    pod,
    key: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
    labelsKey: labelsKeyOf(pod),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts,
    requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(pod, t)),
    requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(pod, t)),
    preferredAffinity: (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => compileAffinityTerm(pod, w.podAffinityTerm, w.weight)),
    preferredAntiAffinity: (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => compileAffinityTerm(pod, w.podAffinityTerm, w.weight)),
  };
}

/** Pod priority (`spec.priority`, 0 when unset). */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

/** Namespace and sorted labels as one string. */
export function labelsKeyOf(pod: Pod): string {
  const l = pod.metadata.labels ?? {};
  return `${pod.metadata.namespace ?? 'default'}\u0000${Object.keys(l).sort().map((k) => `${k}=${l[k]}`).join(',')}`;
}
