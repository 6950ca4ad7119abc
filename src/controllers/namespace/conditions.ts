// Namespace deletion status conditions as upstream's namespaced-content deleter reports them (pure).
import type { Condition } from '../../api/types/index.js';
import { rfc3339 } from '../../util/clock.js';

/** Facts of one deletion pass. */
export interface DeletionPass {
  discoveryErrors: string[];
  contentErrors: string[];
  /** resource name → remaining count */
  remaining: Map<string, number>;
  /** finalizer → number of objects carrying it */
  finalizers: Map<string, number>;
}

/** The five conditions upstream always sets on a terminating namespace. */
export function deletionConditions(p: DeletionPass, now: number, old: Condition[] = []): Condition[] {
  const t = rfc3339(now);
  const mk = (type: string, bad: boolean, badReason: string, badMsg: string, okReason: string, okMsg: string): Condition => {
    const status = bad ? 'True' : 'False';
    const prev = old.find((c) => c.type === type);
    return { type, status, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : t, reason: bad ? badReason : okReason, message: bad ? badMsg : okMsg };
  };
  const rem = [...p.remaining].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  const fin = [...p.finalizers].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  return [
    mk('NamespaceDeletionDiscoveryFailure', p.discoveryErrors.length > 0, 'DiscoveryFailed', `Discovery failed for some groups: ${p.discoveryErrors.join(', ')}`, 'ResourcesDiscovered', 'All resources successfully discovered'),
    mk('NamespaceDeletionGroupVersionParsingFailure', false, 'GroupVersionParsingFailed', '', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    mk('NamespaceDeletionContentFailure', p.contentErrors.length > 0, 'ContentDeletionFailed', `Failed to delete all resource types, ${p.contentErrors.length} remaining: ${p.contentErrors.join(', ')}`, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    mk('NamespaceContentRemaining', rem.length > 0, 'SomeResourcesRemain', `Some resources are remaining: ${rem.map(([r, n]) => `${r} has ${n} resource instances`).join(', ')}`, 'ContentRemoved', 'All content successfully removed'),
    mk('NamespaceFinalizersRemaining', fin.length > 0, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${fin.map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
  ];
}
