// The patch strategies of the built-in kinds (upstream `patchStrategy`/`patchMergeKey` struct tags),
// as a pure lookup from (kind, field path) to how a list or map under that path merges.

/**
 * How one field merges in a strategic merge patch. `merge` lists merge item by item (by
 * `mergeKey` for lists of objects, as a set for lists of scalars); `retainKeys` maps drop the
 * keys missing from the patch's `$retainKeys`. A field with no entry is replaced when it is a
 * list and merged when it is a map.
 */
export interface PatchMeta {
  merge: boolean;
  retainKeys: boolean;
  mergeKey?: string;
}

const mergeBy = (mergeKey: string, retainKeys = false): PatchMeta => ({ merge: true, retainKeys, mergeKey });
const SCALAR_SET: PatchMeta = { merge: true, retainKeys: false };
const RETAIN_KEYS: PatchMeta = { merge: false, retainKeys: true };

/** Relative to an ObjectMeta. */
function objectMetaMeta(rel: string[]): PatchMeta | undefined {
  if (rel.length !== 1) return undefined;
  if (rel[0] === 'ownerReferences') return mergeBy('uid');
  if (rel[0] === 'finalizers') return SCALAR_SET;
  return undefined;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Relative to a Container. */
function containerMeta(rel: string[]): PatchMeta | undefined {
  if (rel.length !== 1) return undefined;
  switch (rel[0]) {
    case 'env':
      return mergeBy('name');
    case 'ports':
      return mergeBy('containerPort');
    case 'volumeMounts':
      return mergeBy('mountPath');
    case 'volumeDevices':
      return mergeBy('devicePath');
    default:
      return undefined; // command, args, envFrom, resizePolicy …: replaced
  }
}

/** Relative to a PodSpec. */
function podSpecMeta(rel: string[]): PatchMeta | undefined {
  const [head, ...rest] = rel;
  if (head === undefined) return undefined;
  if (CONTAINER_LISTS.has(head)) return rest.length === 0 ? mergeBy('name') : containerMeta(rest);
  if (rest.length !== 0) return undefined;
  switch (head) {
    case 'volumes':
      return mergeBy('name', true);
    case 'imagePullSecrets':
      return mergeBy('name');
    case 'hostAliases':
      return mergeBy('ip');
    case 'topologySpreadConstraints':
      return mergeBy('topologyKey');
    case 'schedulingGates':
      return mergeBy('name');
    case 'resourceClaims':
      return mergeBy('name', true);
    default:
      return undefined; // tolerations, readinessGates …: replaced
  }
}

/** Relative to a PodTemplateSpec ({metadata, spec}). */
function podTemplateMeta(rel: string[]): PatchMeta | undefined {
  const [head, ...rest] = rel;
  if (head === 'metadata') return objectMetaMeta(rest);
  if (head === 'spec') return podSpecMeta(rest);
  return undefined;
}

/** Relative to a PodStatus. */
function podStatusMeta(rel: string[]): PatchMeta | undefined {
  if (rel.length !== 1) return undefined;
  switch (rel[0]) {
    case 'conditions':
      return mergeBy('type');
    case 'containerStatuses':
      return mergeBy('name');
    case 'podIPs':
    case 'hostIPs':
      return mergeBy('ip');
    default:
      return undefined;
  }
}

/** Kinds whose pod template sits at `spec.template`. */
const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']);

/** Kind-specific fields; undefined means "no special strategy here". */
function kindMeta(kind: string, path: string[]): PatchMeta | undefined {
  const [a, b, ...rest] = path;
  if (kind === 'Pod') {
    if (a === 'spec') return podSpecMeta(path.slice(1));
    if (a === 'status') return podStatusMeta(path.slice(1));
  }
  if (kind === 'PodTemplate' && a === 'template') return podTemplateMeta(path.slice(1));
  if (TEMPLATE_KINDS.has(kind) && a === 'spec' && b === 'template') return podTemplateMeta(rest);
  if (kind === 'Deployment' && a === 'spec' && b === 'strategy' && rest.length === 0) return RETAIN_KEYS;
  if (kind === 'CronJob' && a === 'spec' && b === 'jobTemplate') {
    const [c, d, ...tail] = rest;
    if (c === 'metadata') return objectMetaMeta([d!, ...tail].filter((x) => x !== undefined));
    if (c === 'spec' && d === 'template') return podTemplateMeta(tail);
  }
  if (kind === 'Service' && a === 'spec' && b === 'ports' && rest.length === 0) return mergeBy('port');
  if (kind === 'Node' && a === 'status' && b === 'addresses' && rest.length === 0) return mergeBy('type');
  if (kind === 'ServiceAccount' && a === 'secrets' && path.length === 1) return mergeBy('name');
  return undefined;
}

/**
 * The patch strategy of the field at `path` (object keys from the root; list items add no
 * element, so a container's env is ["spec", "containers", "env"]) in an object of `kind`.
 */
export function patchMetaFor(kind: string, path: readonly string[]): PatchMeta | undefined {
  const p = [...path];
  // 1. Every object's metadata.
  if (p[0] === 'metadata') return objectMetaMeta(p.slice(1));
  // 2. Kind-specific shapes (pod specs wherever they nest, Service ports, …).
  const specific = kindMeta(kind, p);
  if (specific) return specific;
  // 3. Conditions merge by type on every kind that has them.
  if (p.length === 2 && p[0] === 'status' && p[1] === 'conditions') return mergeBy('type');
  return undefined;
}
