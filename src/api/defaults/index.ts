// Entry point of API defaulting: `applyDefaults(resource, obj)` fills defaults in place as the
// upstream apiserver does before validation.
import type {
  CronJob, DaemonSet, Deployment, EndpointSlice, Endpoints, Job, KubeObject, LimitRange, Namespace, Node, Pod,
  PriorityClass, ReplicaSet, Secret, Service, StatefulSet,
} from '../types/index.js';
import { defaultPodCreate, defaultPodSpec } from './pod.js';
import { podQOSClass } from './qos.js';
import { defaultService } from './service.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './workloads.js';
import {
  defaultEndpointSlice, defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultPriorityClass,
  defaultRoleBinding, defaultSecret,
} from './misc.js';

export { podQOSClass } from './qos.js';
export { defaultJobSelector } from './workloads.js';
export { defaultPullPolicy, defaultPodSpec } from './pod.js';

/** Pods: spec defaults, priority/preemption, and (when absent) status.phase Pending and qosClass. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= { containers: [] };
  defaultPodSpec(pod.spec);
  defaultPodCreate(pod.spec);
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= podQOSClass(pod);
}

const byResource: Record<string, (o: KubeObject) => void> = {
  pods: (o) => defaultPod(o as Pod),
  services: (o) => defaultService(o as Service),
  endpoints: (o) => defaultEndpoints(o as Endpoints),
  secrets: (o) => defaultSecret(o as Secret),
  namespaces: (o) => defaultNamespace(o as Namespace),
  nodes: (o) => defaultNode(o as Node),
  limitranges: (o) => defaultLimitRange(o as LimitRange),
  deployments: (o) => defaultDeployment(o as Deployment),
  replicasets: (o) => defaultReplicaSet(o as ReplicaSet),
  statefulsets: (o) => defaultStatefulSet(o as StatefulSet),
  daemonsets: (o) => defaultDaemonSet(o as DaemonSet),
  jobs: (o) => defaultJob(o as Job),
  cronjobs: (o) => defaultCronJob(o as CronJob),
  endpointslices: (o) => defaultEndpointSlice(o as EndpointSlice),
  priorityclasses: (o) => defaultPriorityClass(o as PriorityClass),
  rolebindings: (o) => defaultRoleBinding(o as { subjects?: { kind?: string; apiGroup?: string }[] }),
  clusterrolebindings: (o) => defaultRoleBinding(o as { subjects?: { kind?: string; apiGroup?: string }[] }),
};

/**
 * Applies the upstream defaults of the plural `resource` to `obj`, mutating it. Unknown
 * resources and kinds without defaults are left untouched. Never throws on malformed input.
 */
export function applyDefaults(resource: string, obj: KubeObject): void {
  const fn = byResource[resource];
  if (!fn || typeof obj !== 'object' || obj === null) return;
  try {
    fn(obj);
  } catch {
    // Malformed objects (wrong JSON types) are reported by validation, not here.
  }
}
