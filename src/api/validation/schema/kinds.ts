// Field schemas of every served kind, keyed by kind name. `status` is kept open (any value) so
// manifests captured with `kubectl get -o yaml` validate clean.
import { type FieldSchema, open, bool, int, intstr, list, map, o, quantity, str, strs, time } from './dsl.js';
import { kind, labelSelector, objectMeta, objectReference } from './meta.js';
import { podTemplateSpec, podSpec } from './pod.js';

const status = open;
const servicePort = o({ name: str, protocol: str, appProtocol: str, port: int, targetPort: intstr, nodePort: int });
const endpointAddress = o({ ip: str, hostname: str, nodeName: str, targetRef: objectReference });
const intOrPercentRolling = o({ maxUnavailable: intstr, maxSurge: intstr });
const jobSpec = o({
  parallelism: int, completions: int, activeDeadlineSeconds: int, backoffLimit: int, backoffLimitPerIndex: int, maxFailedIndexes: int,
  selector: labelSelector, manualSelector: bool, template: podTemplateSpec, ttlSecondsAfterFinished: int, completionMode: str,
  suspend: bool, podReplacementPolicy: str, podFailurePolicy: open, successPolicy: open, managedBy: str,
});
const policyRule = o({ verbs: strs, apiGroups: strs, resources: strs, resourceNames: strs, nonResourceURLs: strs });
const roleRef = o({ apiGroup: str, kind: str, name: str });
const subject = o({ kind: str, apiGroup: str, name: str, namespace: str });

/** Every kind's schema. */
export const kindSchemas: Record<string, FieldSchema> = {
  Pod: kind({ spec: podSpec, status }, 'Pod is a collection of containers that can run on a host.'),
  Service: kind({
    spec: o({
      ports: list(servicePort), selector: map(), clusterIP: str, clusterIPs: strs, type: str, externalIPs: strs,
      sessionAffinity: str, sessionAffinityConfig: o({ clientIP: o({ timeoutSeconds: int }) }), loadBalancerIP: str,
      loadBalancerSourceRanges: strs, externalName: str, externalTrafficPolicy: str, internalTrafficPolicy: str,
      healthCheckNodePort: int, publishNotReadyAddresses: bool, ipFamilies: strs, ipFamilyPolicy: str,
      allocateLoadBalancerNodePorts: bool, loadBalancerClass: str, trafficDistribution: str,
    }),
    status,
  }, 'Service is a named abstraction of software service consisting of local port that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.'),
  Endpoints: kind({
    subsets: list(o({
      addresses: list(endpointAddress), notReadyAddresses: list(endpointAddress),
      ports: list(o({ name: str, port: int, protocol: str, appProtocol: str })),
    })),
  }),
  ConfigMap: kind({ data: map(), binaryData: map(), immutable: bool }, 'ConfigMap holds configuration data for pods to consume.'),
  Secret: kind({ type: str, data: map(), stringData: map(), immutable: bool }, 'Secret holds secret data of a certain type.'),
  Namespace: kind({ spec: o({ finalizers: strs }), status }, 'Namespace provides a scope for Names.'),
  Node: kind({
    spec: o({
      podCIDR: str, podCIDRs: strs, providerID: str, unschedulable: bool,
      taints: list(o({ key: str, value: str, effect: str, timeAdded: time })), configSource: open, externalID: str,
    }),
    status,
  }, 'Node is a worker node in Kubernetes.'),
  Event: kind({
    involvedObject: objectReference, reason: str, message: str, source: o({ component: str, host: str }),
    firstTimestamp: time, lastTimestamp: time, count: int, type: str, eventTime: time,
    series: o({ count: int, lastObservedTime: time }), action: str, related: objectReference,
    reportingComponent: str, reportingInstance: str,
    // events.k8s.io/v1 spellings
    regarding: objectReference, note: str, reportingController: str, deprecatedSource: open,
    deprecatedFirstTimestamp: time, deprecatedLastTimestamp: time, deprecatedCount: int,
  }),
  ServiceAccount: kind({ secrets: list(objectReference), imagePullSecrets: list(o({ name: str })), automountServiceAccountToken: bool }),
  LimitRange: kind({
    spec: o({
      limits: list(o({
        type: str, max: map(quantity), min: map(quantity), default: map(quantity), defaultRequest: map(quantity),
        maxLimitRequestRatio: map(quantity),
      })),
    }),
  }),
  ResourceQuota: kind({ spec: o({ hard: map(quantity), scopes: strs, scopeSelector: open }), status }),
  Deployment: kind({
    spec: o({
      replicas: int, selector: labelSelector, template: podTemplateSpec,
      strategy: o({ type: str, rollingUpdate: intOrPercentRolling }), minReadySeconds: int, revisionHistoryLimit: int,
      paused: bool, progressDeadlineSeconds: int,
    }),
    status,
  }, 'Deployment enables declarative updates for Pods and ReplicaSets.'),
  ReplicaSet: kind({ spec: o({ replicas: int, minReadySeconds: int, selector: labelSelector, template: podTemplateSpec }), status }),
  StatefulSet: kind({
    spec: o({
      replicas: int, selector: labelSelector, template: podTemplateSpec,
      volumeClaimTemplates: list(o({ apiVersion: str, kind: str, metadata: objectMeta, spec: open, status: open })),
      serviceName: str, podManagementPolicy: str,
      updateStrategy: o({ type: str, rollingUpdate: o({ partition: int, maxUnavailable: intstr }) }),
      revisionHistoryLimit: int, minReadySeconds: int,
      persistentVolumeClaimRetentionPolicy: o({ whenDeleted: str, whenScaled: str }), ordinals: o({ start: int }),
    }),
    status,
  }),
  DaemonSet: kind({
    spec: o({
      selector: labelSelector, template: podTemplateSpec, updateStrategy: o({ type: str, rollingUpdate: intOrPercentRolling }),
      minReadySeconds: int, revisionHistoryLimit: int,
    }),
    status,
  }),
  ControllerRevision: kind({ data: open, revision: int }),
  Job: kind({ spec: jobSpec, status }, 'Job represents the configuration of a single job.'),
  CronJob: kind({
    spec: o({
      schedule: str, timeZone: str, startingDeadlineSeconds: int, concurrencyPolicy: str, suspend: bool,
      jobTemplate: o({ metadata: objectMeta, spec: jobSpec }), successfulJobsHistoryLimit: int, failedJobsHistoryLimit: int,
    }),
    status,
  }),
  Lease: kind({
    spec: o({
      holderIdentity: str, leaseDurationSeconds: int, acquireTime: time, renewTime: time, leaseTransitions: int,
      strategy: str, preferredHolder: str,
    }),
  }),
  EndpointSlice: kind({
    addressType: str,
    endpoints: list(o({
      addresses: strs, conditions: o({ ready: bool, serving: bool, terminating: bool }), hostname: str,
      targetRef: objectReference, nodeName: str, zone: str, hints: open, deprecatedTopology: map(),
    })),
    ports: list(o({ name: str, protocol: str, port: int, appProtocol: str })),
  }),
  PriorityClass: kind({ value: int, globalDefault: bool, description: str, preemptionPolicy: str }),
  Role: kind({ rules: list(policyRule) }),
  ClusterRole: kind({ rules: list(policyRule), aggregationRule: o({ clusterRoleSelectors: list(labelSelector) }) }),
  RoleBinding: kind({ subjects: list(subject), roleRef }),
  ClusterRoleBinding: kind({ subjects: list(subject), roleRef }),
};

/** Plural resource name → kind for the served resources. */
export const resourceKinds: Record<string, string> = {
  pods: 'Pod', services: 'Service', endpoints: 'Endpoints', configmaps: 'ConfigMap', secrets: 'Secret',
  namespaces: 'Namespace', nodes: 'Node', events: 'Event', serviceaccounts: 'ServiceAccount', limitranges: 'LimitRange',
  resourcequotas: 'ResourceQuota', deployments: 'Deployment', replicasets: 'ReplicaSet', statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet', controllerrevisions: 'ControllerRevision', jobs: 'Job', cronjobs: 'CronJob', leases: 'Lease',
  endpointslices: 'EndpointSlice', priorityclasses: 'PriorityClass', roles: 'Role', clusterroles: 'ClusterRole',
  rolebindings: 'RoleBinding', clusterrolebindings: 'ClusterRoleBinding',
};

