// Rolling-update arithmetic of upstream's deployment util (pure): surge/unavailable fenceposts,
// new-RS sizing, proportional scaling shares, and ReplicaSet selection by template.
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../api/types/index.js';
import { canonicalJson } from '../common/hash.js';
import { scaledValue } from '../common/int-or-percent.js';
import { MAX_REPLICAS, POD_TEMPLATE_HASH, DESIRED_REPLICAS, intAnnotation, revisionOf } from './annotations.js';

export const replicasOf = (rs: ReplicaSet | Deployment | undefined): number => rs?.spec.replicas ?? (rs ? 1 : 0);

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** maxSurge and maxUnavailable resolved against the desired replicas; both 0 becomes unavailable 1. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, true, '25%');
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = d.spec.replicas ?? 1;
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

/** Sum of spec.replicas. */
export const specSum = (rss: ReplicaSet[]): number => rss.reduce((s, rs) => s + replicasOf(rs), 0);
/** Sum of status.replicas. */
export const actualSum = (rss: ReplicaSet[]): number => rss.reduce((s, rs) => s + (rs.status?.replicas ?? 0), 0);
export const availableSum = (rss: ReplicaSet[]): number => rss.reduce((s, rs) => s + (rs.status?.availableReplicas ?? 0), 0);
export const readySum = (rss: ReplicaSet[]): number => rss.reduce((s, rs) => s + (rs.status?.readyReplicas ?? 0), 0);

/** Replicas the new RS should have now (upstream NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = d.spec.replicas ?? 1;
  if (!isRollingUpdate(d)) return desired;
  const current = specSum(all);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, Math.max(0, desired - replicasOf(newRS)));
  return replicasOf(newRS) + up;
}

/** A template with the pod-template-hash label removed, for comparisons. */
function withoutHash(t: PodTemplateSpec | undefined): unknown {
  const c = structuredClone(t ?? { spec: { containers: [] } }) as PodTemplateSpec;
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return c;
}

/** Templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

const created = (rs: ReplicaSet): number => (rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : 0);

/** Oldest first, ties by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** The oldest RS whose template equals the deployment's (upstream FindNewReplicaSet). */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every RS that is not `newRS`. */
export function findOldReplicaSets(rss: ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] {
  return rss.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
}

export const activeReplicaSets = (rss: (ReplicaSet | undefined)[]): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => !!rs && replicasOf(rs) > 0);

/** The only active RS; the new one when none is active; the newest old one when neither; undefined when several are active. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, olds: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && olds.length === 0) return undefined;
  const active = activeReplicaSets([...olds, newRS]);
  if (active.length === 1) return active[0];
  if (active.length > 1) return undefined;
  if (newRS) return newRS;
  return [...olds].sort(byCreation).at(-1);
}

/** New RS fully scaled and available (upstream IsSaturated). */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = d.spec.replicas ?? 1;
  return intAnnotation(rs, DESIRED_REPLICAS) === desired && replicasOf(rs) === desired && (rs.status?.availableReplicas ?? 0) === desired;
}

/** Share of `toAdd` that `rs` gets in proportional scaling (upstream GetProportion). */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const desired = d.spec.replicas ?? 1;
  if (desired === 0) return -replicasOf(rs);
  const total = desired + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((replicasOf(rs) * total) / annotated) - replicasOf(rs);
}

/**
 * Target sizes when a deployment is resized during a rollout (upstream `scale`'s proportional branch).
 * Steps: 1. allowed = replicas + maxSurge (0 if replicas is 0); 2. toAdd = allowed - current;
 * 3. larger RSs first (newer first when growing, older first when shrinking); 4. give each its proportion;
 * 5. leftovers go to the first. Returns name → size and the direction.
 */
export function proportionalSizes(d: Deployment, active: ReplicaSet[]): { sizes: Map<string, number>; op: 'up' | 'down' | '' } {
  const desired = d.spec.replicas ?? 1;
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - specSum(active);
  const op = toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : '';
  const sorted = [...active].sort((a, b) => {
    const s = replicasOf(b) - replicasOf(a);
    if (s !== 0) return s;
    return op === 'up' ? byCreation(b, a) : byCreation(a, b);
  });
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sorted) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name!, replicasOf(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name!, replicasOf(rs));
  }
  if (sorted.length && toAdd !== 0) {
    const first = sorted[0]!.metadata.name!;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  return { sizes, op };
}

/** RSs ordered by revision (oldest revision first), ties by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Old RSs that cleanup may delete to honour revisionHistoryLimit (pure). */
export function replicaSetsToCleanup(d: Deployment, olds: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const cleanable = olds.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  return [...cleanable].sort(byRevision).slice(0, diff).filter((rs) =>
    (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0 && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}

/**
 * Scale-down plan for old RSs in a rolling update (upstream reconcileOldReplicaSets). Steps:
 * 1. maxScaledDown = all - minAvailable - newRS unavailable; stop if ≤ 0; 2. clean up unhealthy
 * old replicas (oldest first) within that budget; 3. scale down available old replicas while
 * availability stays ≥ minAvailable. Returns name → new size for the RSs that change.
 */
export function planOldScaleDown(d: Deployment, all: ReplicaSet[], olds: ReplicaSet[], newRS: ReplicaSet | undefined): Map<string, number> {
  const result = new Map<string, number>();
  const oldCount = specSum(olds);
  if (oldCount === 0) return result;
  const allCount = specSum(all);
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable(d);
  // An RS never keeps more available pods than its spec: a status that still shows pods of a
  // scale-down in flight must not be counted again (it would let two syncs undercut minAvailable).
  const avail = (rs: ReplicaSet) => Math.min(rs.status?.availableReplicas ?? 0, replicasOf(rs));
  const newUnavailable = newRS ? replicasOf(newRS) - avail(newRS) : 0;
  const maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return result;
  const size = (rs: ReplicaSet) => result.get(rs.metadata.name!) ?? replicasOf(rs);
  // 2. unhealthy replicas first
  let cleaned = 0;
  for (const rs of [...olds].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    if (size(rs) === 0) continue;
    const unhealthy = size(rs) - avail(rs);
    if (unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    result.set(rs.metadata.name!, size(rs) - down);
    cleaned += down;
  }
  // 3. then available ones, keeping minAvailable
  const available = all.reduce((n, rs) => n + avail(rs), 0);
  if (available <= minAvailable) return result;
  const total = available - minAvailable;
  let scaled = 0;
  for (const rs of [...olds].sort(byCreation)) {
    if (scaled >= total) break;
    if (size(rs) === 0) continue;
    const down = Math.min(size(rs), total - scaled);
    result.set(rs.metadata.name!, size(rs) - down);
    scaled += down;
  }
  return result;
}
