// The default cluster roles and bindings the apiserver keeps in place at start, as upstream's
// bootstrap policy: user-facing roles (cluster-admin, admin/edit/view by aggregation), discovery
// roles, and one role per control-plane component. Data only.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../api/types/rbac.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const AGG = 'rbac.authorization.k8s.io/aggregate-to-';
const RBAC_GV = 'rbac.authorization.k8s.io/v1';

const r = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): PolicyRule =>
  resourceNames ? { apiGroups, resources, verbs, resourceNames } : { apiGroups, resources, verbs };
const urls = (nonResourceURLs: string[], verbs = ['get']): PolicyRule => ({ nonResourceURLs, verbs });

function role(name: string, rules: PolicyRule[], labels: Record<string, string> = {}, aggregateFrom?: string): ClusterRole {
  const cr: ClusterRole = {
    apiVersion: RBAC_GV,
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules,
  };
  if (aggregateFrom) cr.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`${AGG}${aggregateFrom}`]: 'true' } }] };
  return cr;
}

const user = (name: string): Subject => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const group = (name: string): Subject => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });

function binding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: RBAC_GV,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

const WORKLOADS = ['deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale', 'daemonsets'];

/** Rules of the node role (also what the Node authorizer grants a node, before its graph checks). */
export const NODE_RULES: PolicyRule[] = [
  r([''], ['nodes'], ['create', 'get', 'list', 'watch', 'patch', 'update', 'delete']),
  r([''], ['nodes/status'], ['patch', 'update']),
  r([''], ['pods'], ['get', 'list', 'watch', 'create', 'delete']),
  r([''], ['pods/status'], ['patch', 'update']),
  r([''], ['pods/eviction'], ['create']),
  r([''], ['services', 'endpoints'], READ),
  r([''], ['events'], ['create', 'patch', 'update']),
  r(['events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  r([''], ['secrets', 'configmaps', 'persistentvolumeclaims', 'persistentvolumes'], ['get']),
  r([''], ['serviceaccounts/token'], ['create']),
  r(['coordination.k8s.io'], ['leases'], ['get', 'create', 'update', 'patch', 'delete']),
  r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
  r(['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews'], ['create']),
  r(['discovery.k8s.io'], ['endpointslices'], READ),
];

/** 1. aggregation targets and their sources; 2. discovery roles; 3. component roles. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    role('cluster-admin', [r(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    role('admin', [], {}, 'admin'),
    role('edit', [], { [`${AGG}admin`]: 'true' }, 'edit'),
    role('view', [], { [`${AGG}edit`]: 'true' }, 'view'),
    role('system:aggregate-to-admin', [
      r(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
      r(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...WRITE, ...READ]),
    ], { [`${AGG}admin`]: 'true' }),
    role('system:aggregate-to-edit', [
      r([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
      r([''], ['serviceaccounts'], ['impersonate']),
      r([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
      r([''], ['pods/eviction', 'serviceaccounts/token'], ['create']),
      r([''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], WRITE),
      r(['apps'], WORKLOADS, WRITE),
      r(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
      r(['batch'], ['cronjobs', 'jobs'], WRITE),
      r(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
      r(['policy'], ['poddisruptionbudgets'], WRITE),
      r(['discovery.k8s.io'], ['endpointslices'], WRITE),
      r([''], ['endpoints'], WRITE),
    ], { [`${AGG}edit`]: 'true' }),
    role('system:aggregate-to-view', [
      r([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], READ),
      r([''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], READ),
      r([''], ['namespaces'], READ),
      r(['discovery.k8s.io'], ['endpointslices'], READ),
      r(['apps'], ['controllerrevisions', ...WORKLOADS, 'daemonsets/status', 'deployments/status', 'replicasets/status', 'statefulsets/status'], READ),
      r(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
      r(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
      r(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
      r(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
    ], { [`${AGG}view`]: 'true' }),
    role('system:discovery', [urls(['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
    role('system:public-info-viewer', [urls(['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    role('system:basic-user', [
      r(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
      r(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
    ]),
    role('system:monitoring', [urls(['/healthz', '/healthz/*', '/livez', '/livez/*', '/readyz', '/readyz/*', '/metrics', '/metrics/slis'])]),
    role('system:auth-delegator', [
      r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
      r(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    ]),
    role('system:kubelet-api-admin', [
      r([''], ['nodes'], ['get', 'list', 'watch', 'proxy']),
      r([''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'], ['*']),
    ]),
    role('system:node', NODE_RULES),
    role('system:node-proxier', [
      r([''], ['endpoints', 'services'], ['list', 'watch']),
      r([''], ['nodes'], READ),
      r(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
      r(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch']),
    ]),
    // as upstream's kube-dns role, plus pods and namespaces as CoreDNS's (pod records)
    role('system:kube-dns', [
      r([''], ['endpoints', 'services', 'pods', 'namespaces'], ['list', 'watch']),
      r(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch']),
    ]),
    role('system:kube-scheduler', [
      r(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
      r(['coordination.k8s.io'], ['leases'], ['create']),
      r(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['kube-scheduler']),
      r([''], ['endpoints'], ['create']),
      r([''], ['endpoints'], ['get', 'update'], ['kube-scheduler']),
      r([''], ['nodes'], READ),
      r([''], ['namespaces'], READ),
      r([''], ['pods'], [...READ, 'delete']),
      r([''], ['bindings', 'pods/binding'], ['create']),
      r([''], ['pods/status'], ['patch', 'update']),
      r([''], ['replicationcontrollers', 'services', 'persistentvolumeclaims', 'persistentvolumes', 'configmaps'], ['list', 'watch']),
      r(['apps', 'extensions'], ['replicasets', 'statefulsets'], ['list', 'watch']),
      r(['policy'], ['poddisruptionbudgets'], ['list', 'watch']),
      r(['scheduling.k8s.io'], ['priorityclasses'], READ),
      r(['storage.k8s.io'], ['csinodes', 'csidrivers', 'csistoragecapacities', 'storageclasses'], READ),
      r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
      r(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    ]),
    // The controller-manager runs every controller under its own identity (no per-controller
    // service-account credentials), so its role is the union of what the controllers need:
    // read, patch and delete anything (garbage collector, namespace deletion), create the
    // workload and core objects.
    role('system:kube-controller-manager', [
      r(['*'], ['*'], [...READ, 'patch', 'update', 'delete', 'deletecollection']),
      r(['', 'apps', 'batch', 'discovery.k8s.io', 'coordination.k8s.io', 'events.k8s.io', 'policy', 'scheduling.k8s.io'], ['*'], ['create', 'patch', 'update']),
      r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
      r(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    ]),
  ];
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    binding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
    binding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    binding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
    binding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
    binding('system:kube-dns', 'system:kube-dns', [{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }, user('system:kube-dns')]),
    binding('system:node', 'system:node', []),
    binding('kube-apiserver-kubelet-api-admin', 'system:kubelet-api-admin', [user('kube-apiserver-kubelet-client')]),
  ];
}
