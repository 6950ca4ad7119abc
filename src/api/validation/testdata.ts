// Test fixtures: typical manifests (as users apply them) shared by the validation, defaulting and
// integration tests, and a helper that validates a mutated copy.
import type { KubeObject } from '../types/index.js';
import { applyDefaults } from '../defaults/index.js';
import { errorString, validateObject } from './index.js';

/** A fresh copy of a typical manifest for `resource`. */
export function manifest(resource: string): KubeObject {
  return JSON.parse(JSON.stringify(manifests[resource])) as KubeObject;
}

const podSpec = {
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80, name: 'http' }],
      env: [{ name: 'MODE', value: 'prod' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 5 },
      volumeMounts: [{ name: 'conf', mountPath: '/etc/conf' }, { name: 'scratch', mountPath: '/tmp' }],
    },
  ],
  volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }, { name: 'scratch', emptyDir: {} }],
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
  nodeSelector: { 'kubernetes.io/os': 'linux' },
};

const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };

const manifests: Record<string, KubeObject> = {
  pods: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } }, spec: podSpec },
  services: {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 8443 }] },
  },
  configmaps: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-conf', namespace: 'default' }, data: { 'nginx.conf': 'x', KEY_1: 'v' } },
  secrets: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tok', namespace: 'default' }, stringData: { password: 'hunter2' }, data: { user: 'YWRtaW4=' } },
  namespaces: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } },
  deployments: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
  },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template } },
  daemonsets: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'kube-system' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, template } },
  jobs: {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', '1'] }] } } },
  },
  cronjobs: {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello', namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'h', image: 'busybox' }] } } } } },
  },
  leases: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
  endpointslices: {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-x1', namespace: 'default' },
    addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.4'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80 }],
  },
  priorityclasses: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, globalDefault: false },
  roles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
  clusterroles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:reader' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] },
  rolebindings: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read-pods', namespace: 'default' },
    subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    roleRef: { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' },
  },
  clusterrolebindings: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'read-all' },
    subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { kind: 'ClusterRole', name: 'system:reader', apiGroup: 'rbac.authorization.k8s.io' },
  },
  nodes: {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
    spec: { podCIDR: '10.244.0.0/24', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
    status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' } },
  },
  endpoints: {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.1.0.4' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }],
  },
  events: {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-0.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default' }, reason: 'Scheduled', message: 'ok', type: 'Normal', count: 1,
  },
  serviceaccounts: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' } },
  limitranges: {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lim', namespace: 'default' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' }, default: { cpu: '500m' } }] },
  },
  resourcequotas: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec: { hard: { pods: '10', 'requests.cpu': '4' } } },
};

/** Every resource with a typical manifest. */
export const manifestResources = Object.keys(manifests);

/** Validation messages (`field: message`) of a defaulted typical manifest after `mutate` (and `update`, as an update). */
export function errorsAfter(
  resource: string,
  mutate: (o: Record<string, any>) => void, // eslint-disable-line @typescript-eslint/no-explicit-any
  update?: (o: Record<string, any>) => void, // eslint-disable-line @typescript-eslint/no-explicit-any
): string[] {
  const o = manifest(resource);
  o.metadata.uid = 'uid-1';
  applyDefaults(resource, o);
  mutate(o);
  if (!update) return validateObject(resource, o).map(errorString);
  const next = JSON.parse(JSON.stringify(o)) as KubeObject;
  update(next);
  return validateObject(resource, next, o).map(errorString);
}

/** A table case: a description, a mutation (and optional update) and the exact expected messages. */
export interface Case {
  name: string;
  mutate: (o: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  update?: (o: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  want: string[];
}
