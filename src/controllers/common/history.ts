// ControllerRevisions as upstream's controller history (StatefulSet and DaemonSet): each distinct pod
// template is stored once as a revision whose `data` is the strategic-merge patch that restores it
// (`{"spec":{"template":{…,"$patch":"replace"}}}`, what `kubectl rollout undo` applies), named
// `<owner>-<hash>` and numbered; re-applying an old template renumbers that revision as the newest.
import type { ControllerRevision, KubeObject, OwnerReference, PodTemplateSpec } from '../../api/types/index.js';
import { isAlreadyExists, isNotFound, type ResourceClient } from '../../client/interfaces.js';
import { canonicalJson, computeHash } from './hash.js';

/** The label carrying a revision's hash (pods of StatefulSets carry the revision name in it). */
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** The revision data of a template: the patch restoring it. */
export function revisionData(template: PodTemplateSpec): unknown {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

/** The template stored in a revision's data (undefined when the data has another shape). */
export function templateOfRevision(rev: ControllerRevision): PodTemplateSpec | undefined {
  const t = (rev.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const { $patch: _drop, ...rest } = t;
  return rest;
}

/** Whether two revisions hold the same data. */
export function equalRevisions(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

/** Highest revision number (0 when none). */
export function maxRevisionNumber(revs: ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
}

/** Revisions sorted by number, then creation, then name (oldest first). */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => (a.revision - b.revision)
    || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')
    || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** Options of `ensureRevision`: the owner, its revisions, the live template and collision count. */
export interface EnsureRevisionOptions {
  client: ResourceClient<ControllerRevision>;
  owner: KubeObject;
  ownerRef: OwnerReference;
  /** Labels of the new revision (upstream: the template's labels). */
  labels: Record<string, string>;
  revisions: ControllerRevision[];
  template: PodTemplateSpec;
  collisionCount: number;
}

/** The revision standing for the owner's live template, and the collision count after creating it. */
export interface EnsuredRevision { revision: ControllerRevision; collisionCount: number; created: boolean }

/**
 * Finds or creates the revision of the live template. Steps:
 * 1. build the candidate (data, hash with the collision count, name `<owner>-<hash>`);
 * 2. an existing equal revision is reused; when it is not the newest its number is raised to max+1;
 * 3. otherwise create it; a name clash with different data bumps the collision count and retries.
 */
export async function ensureRevision(o: EnsureRevisionOptions): Promise<EnsuredRevision> {
  const ns = o.owner.metadata.namespace;
  const data = revisionData(o.template);
  const next = maxRevisionNumber(o.revisions) + 1;
  const equal = o.revisions.filter((r) => canonicalJson(r.data) === canonicalJson(data));
  if (equal.length > 0) {
    const rev = sortRevisions(equal)[equal.length - 1]!;
    if (rev.revision === next - 1) return { revision: rev, collisionCount: o.collisionCount, created: false };
    const updated = await o.client.update(ns, { ...rev, revision: next });
    return { revision: updated, collisionCount: o.collisionCount, created: false };
  }
  let collisionCount = o.collisionCount;
  for (let attempt = 0; attempt < 10; attempt++) {
    const hash = computeHash(data, collisionCount);
    const rev: ControllerRevision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: { name: `${o.owner.metadata.name}-${hash}`, namespace: ns, labels: { ...o.labels, [CONTROLLER_REVISION_HASH]: hash }, ownerReferences: [o.ownerRef] },
      data, revision: next,
    };
    try {
      return { revision: await o.client.create(ns, rev), collisionCount, created: true };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await o.client.get(ns, rev.metadata.name!);
      if (canonicalJson(existing.data) === canonicalJson(data) && existing.metadata.ownerReferences?.some((r) => r.uid === o.owner.metadata.uid)) {
        const bumped = existing.revision === next ? existing : await o.client.update(ns, { ...existing, revision: next });
        return { revision: bumped, collisionCount, created: false };
      }
      collisionCount++;
    }
  }
  throw new Error(`could not create a controller revision for ${o.owner.metadata.name}: too many hash collisions`);
}

/** Deletes the oldest revisions beyond `limit` that are not in `live` (names). */
export async function truncateHistory(client: ResourceClient<ControllerRevision>, revisions: ControllerRevision[], live: Set<string>, limit: number): Promise<void> {
  const old = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name!));
  const excess = old.length - limit;
  for (let i = 0; i < excess; i++) {
    try {
      await client.delete(old[i]!.metadata.namespace, old[i]!.metadata.name!);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
