// Well-known resource references used by the components.
import type { ResourceRef } from './interfaces.js';

const core = (resource: string, kind: string, namespaced = true): ResourceRef => ({ group: '', version: 'v1', resource, kind, namespaced });
const ref = (group: string, version: string, resource: string, kind: string, namespaced = true): ResourceRef => ({ group, version, resource, kind, namespaced });

export const R = {
  pods: core('pods', 'Pod'),
  services: core('services', 'Service'),
  endpoints: core('endpoints', 'Endpoints'),
  nodes: core('nodes', 'Node', false),
  namespaces: core('namespaces', 'Namespace', false),
  configmaps: core('configmaps', 'ConfigMap'),
  secrets: core('secrets', 'Secret'),
  events: core('events', 'Event'),
  serviceaccounts: core('serviceaccounts', 'ServiceAccount'),
  limitranges: core('limitranges', 'LimitRange'),
  resourcequotas: core('resourcequotas', 'ResourceQuota'),
  deployments: ref('apps', 'v1', 'deployments', 'Deployment'),
  replicasets: ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
  statefulsets: ref('apps', 'v1', 'statefulsets', 'StatefulSet'),
  daemonsets: ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
  controllerrevisions: ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  jobs: ref('batch', 'v1', 'jobs', 'Job'),
  cronjobs: ref('batch', 'v1', 'cronjobs', 'CronJob'),
  leases: ref('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  endpointslices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  poddisruptionbudgets: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  priorityclasses: ref('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false),
} as const;

/** "apps/v1" or "v1". */
export function apiVersionOf(r: ResourceRef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** URL path of a resource collection or object: /api/v1/namespaces/ns/pods[/name[/sub]]. */
export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}
