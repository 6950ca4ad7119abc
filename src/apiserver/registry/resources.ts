// The served resources: upstream paths, kinds, short names, categories, verbs and subresources.

/** A subresource as discovery shows it. */
export interface SubresourceInfo {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** Everything the generic REST layer needs to know about one resource. */
export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** `metadata.generation` bumps when `spec` (or the non-metadata, non-status body) changes. */
  hasStatus: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

function status(kind: string): SubresourceInfo {
  return { name: 'status', kind, verbs: STATUS_VERBS };
}
function scale(): SubresourceInfo {
  return { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS };
}

interface Def {
  resource: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  sub?: SubresourceInfo[];
  status?: boolean;
}

function group(group: string, version: string, defs: Def[]): ResourceInfo[] {
  return defs.map((d) => ({
    group,
    version,
    resource: d.resource,
    singular: d.kind.toLowerCase(),
    kind: d.kind,
    namespaced: d.namespaced ?? true,
    shortNames: d.shortNames,
    categories: d.categories,
    verbs: d.verbs ?? ALL_VERBS,
    subresources: [...(d.status ? [status(d.kind)] : []), ...(d.sub ?? [])],
    hasStatus: d.status ?? false,
  }));
}

export const RESOURCES: ResourceInfo[] = [
  ...group('', 'v1', [
    {
      resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], status: true,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      sub: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
    },
    {
      resource: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'], status: true,
      sub: [
        { name: 'binding', kind: 'Binding', verbs: ['create'] },
        { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
        { name: 'log', kind: 'Pod', verbs: ['get'] },
        { name: 'proxy', kind: 'PodProxyOptions', verbs: PROXY_VERBS },
        { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
        { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
        { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      ],
    },
    { resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], status: true, sub: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: PROXY_VERBS }] },
    { resource: 'endpoints', kind: 'Endpoints', shortNames: ['ep'] },
    { resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] },
    { resource: 'secrets', kind: 'Secret' },
    { resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], status: true, sub: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: PROXY_VERBS }] },
    { resource: 'events', kind: 'Event', shortNames: ['ev'] },
    {
      resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'],
      sub: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
    },
    { resource: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] },
    { resource: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'], status: true },
  ]),
  ...group('apps', 'v1', [
    { resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], status: true, sub: [scale()] },
    { resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], status: true, sub: [scale()] },
    { resource: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], status: true, sub: [scale()] },
    { resource: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], status: true },
    { resource: 'controllerrevisions', kind: 'ControllerRevision' },
  ]),
  ...group('batch', 'v1', [
    { resource: 'jobs', kind: 'Job', categories: ['all'], status: true },
    { resource: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], status: true },
  ]),
  ...group('coordination.k8s.io', 'v1', [{ resource: 'leases', kind: 'Lease' }]),
  ...group('discovery.k8s.io', 'v1', [{ resource: 'endpointslices', kind: 'EndpointSlice' }]),
  ...group('policy', 'v1', [{ resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', shortNames: ['pdb'], status: true }]),
  ...group('scheduling.k8s.io', 'v1', [{ resource: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }]),
  ...group('rbac.authorization.k8s.io', 'v1', [
    { resource: 'roles', kind: 'Role' },
    { resource: 'rolebindings', kind: 'RoleBinding' },
    { resource: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  ]),
];

/** Resources served from another resource's storage through a conversion (see view.ts). */
export const VIEWED_RESOURCES: ResourceInfo[] = [
  ...group('events.k8s.io', 'v1', [{ resource: 'events', kind: 'Event', shortNames: ['ev'] }]),
];

/** Resources that are served (create only) but never stored: the apiserver answers them itself. */
export const VIRTUAL_RESOURCES: ResourceInfo[] = [
  ...group('authentication.k8s.io', 'v1', [{ resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: ['create'] }]),
];

/** "apps/v1" or "v1". */
export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Looks resources up by (group, version, resource). */
export class ResourceTable {
  private readonly byKey = new Map<string, ResourceInfo>();
  constructor(readonly all: ResourceInfo[] = RESOURCES) {
    for (const r of all) this.byKey.set(`${r.group}/${r.version}/${r.resource}`, r);
  }
  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byKey.get(`${group}/${version}/${resource}`);
  }
  /** Group names in discovery order with their versions. */
  groups(): { name: string; versions: string[] }[] {
    const out = new Map<string, Set<string>>();
    for (const r of this.all) {
      if (!out.has(r.group)) out.set(r.group, new Set());
      out.get(r.group)!.add(r.version);
    }
    return [...out].map(([name, v]) => ({ name, versions: [...v] }));
  }
  inGroupVersion(group: string, version: string): ResourceInfo[] {
    return this.all.filter((r) => r.group === group && r.version === version);
  }
}

/** etcd key prefix of a resource: `<prefix>/<resource>/` for core, `<prefix>/<group>/<resource>/` otherwise. */
export function storagePrefix(etcdPrefix: string, r: { group: string; resource: string }): string {
  return r.group ? `${etcdPrefix}/${r.group}/${r.resource}/` : `${etcdPrefix}/${r.resource}/`;
}

/** The etcd key of one object. */
export function storageKey(etcdPrefix: string, r: ResourceInfo, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${storagePrefix(etcdPrefix, r)}${namespace}/${name}` : `${storagePrefix(etcdPrefix, r)}${name}`;
}
