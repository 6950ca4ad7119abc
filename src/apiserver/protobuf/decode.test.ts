import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeK8sProtobuf, ProtobufDecodeError } from './decode.js';
import { MESSAGES, KIND_MESSAGES } from './schema.js';
import { bytes, entry, envelope, int, intOrString, msg, objectMeta, packed, quantity, str } from './test-writer.js';

const labels = entry(11, 'app', 'web');
const container = (...extra: number[][]) =>
  msg(2, str(1, 'c'), str(2, 'img:v1'), str(5, ''), msg(8), str(13, ''), str(14, ''), int(16, false), int(17, false), int(18, false), str(20, ''), ...extra);
/** A PodTemplateSpec in field `no` (3 in DeploymentSpec, 6 in JobSpec). */
const template = (no: number, ...podSpec: number[][]) => msg(no, objectMeta(1, '', labels), msg(2, ...podSpec));

interface Case {
  name: string;
  apiVersion: string;
  kind: string;
  raw: number[][];
  want: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'Namespace: empty strings, generation 0 and the zero time are dropped',
    apiVersion: 'v1', kind: 'Namespace',
    raw: [objectMeta(1, 'x', str(3, 'ns'), labels)],
    want: { metadata: { name: 'x', namespace: 'ns', labels: { app: 'web' } } },
  },
  {
    name: 'ConfigMap data and binaryData; immutable=false is a pointer and is kept',
    apiVersion: 'v1', kind: 'ConfigMap',
    raw: [objectMeta(1, 'cm'), entry(2, 'a', 'b'), entry(2, 'c', ''), msg(3, str(1, 'bin'), bytes(2, [0, 1, 2])), int(4, false)],
    want: { metadata: { name: 'cm' }, data: { a: 'b', c: '' }, binaryData: { bin: 'AAEC' }, immutable: false },
  },
  {
    name: 'Secret data is base64; an empty type is left for defaulting',
    apiVersion: 'v1', kind: 'Secret',
    raw: [objectMeta(1, 's'), msg(2, str(1, 'pw'), bytes(2, [...Buffer.from('s3cr3t')])), str(3, '')],
    want: { metadata: { name: 's' }, data: { pw: Buffer.from('s3cr3t').toString('base64') } },
  },
  {
    name: 'Deployment: replicas=0 kept, paused=false and minReadySeconds=0 dropped, ports, command, env, IntOrString',
    apiVersion: 'apps/v1', kind: 'Deployment',
    raw: [
      objectMeta(1, 'web', labels),
      msg(2,
        int(1, 0),
        msg(2, entry(1, 'app', 'web')),
        template(3,
          container(
            str(3, 'sleep'), str(3, '3600'), str(4, ''),
            msg(6, str(1, ''), int(2, 0), int(3, 0), str(4, ''), str(5, '')),
            msg(6, str(1, 'http'), int(2, 0), int(3, 8080), str(4, 'TCP'), str(5, '')),
            msg(7, str(1, 'A'), str(2, '1')),
            msg(7, str(1, 'B'), str(2, ''), msg(3, msg(4, msg(1, str(1, 'sec')), str(2, 'k'), int(3, false)))),
            msg(19, str(1, 'P_'), msg(2, msg(1, str(1, 'cm')))),
          ),
          str(3, 'Always'), int(11, false), int(25, -5),
        ),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrString(1, 0), intOrString(2, '25%'))),
        int(5, 0), int(6, 3), int(7, false),
      ),
      msg(3, int(1, 0), int(2, 0)),
    ],
    want: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{
              name: 'c', image: 'img:v1', resources: {}, command: ['sleep', '3600'], args: [''],
              ports: [{ containerPort: 0 }, { name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { secretKeyRef: { name: 'sec', key: 'k', optional: false } } }],
              envFrom: [{ prefix: 'P_', configMapRef: { name: 'cm' } }],
            }],
            restartPolicy: 'Always',
            priority: -5,
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 3,
      },
    },
  },
  {
    name: 'Service: ports with numeric and named targetPort; pointer false kept, plain false dropped',
    apiVersion: 'v1', kind: 'Service',
    raw: [
      objectMeta(1, 'svc'),
      msg(2,
        msg(1, str(1, 'http'), str(2, 'TCP'), int(3, 80), intOrString(4, 8080), int(5, 30080)),
        msg(1, str(1, 'https'), str(2, 'TCP'), int(3, 443), intOrString(4, 'https'), int(5, 0)),
        entry(2, 'app', 'web'), str(3, 'None'), str(4, 'LoadBalancer'), int(13, false), int(20, false),
        msg(14, msg(1, int(1, 600))),
      ),
    ],
    want: {
      metadata: { name: 'svc' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
          { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
        ],
        selector: { app: 'web' }, clusterIP: 'None', type: 'LoadBalancer', allocateLoadBalancerNodePorts: false,
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
      },
    },
  },
  {
    name: 'Job: pod tree (volumes, probes, security context, affinity, tolerations); suspend=false kept',
    apiVersion: 'batch/v1', kind: 'Job',
    raw: [
      objectMeta(1, 'j', msg(13, str(1, 'CronJob'), str(3, 'cj'), str(4, 'u-1'), str(5, 'batch/v1'), int(6, true))),
      msg(2,
        int(1, 1), int(7, 6), int(10, false), str(9, 'NonIndexed'),
        template(6,
          msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'cm')), msg(2, str(1, 'k'), str(2, 'p'), int(3, 0o400)), int(3, 420)))),
          msg(1, str(1, 'tmp'), msg(2, msg(2, str(1, 'Memory'), quantity(2, '64Mi')))),
          container(
            msg(8, entry(1, 'cpu', [str(1, '200m')]), entry(2, 'memory', [str(1, '1Gi')])),
            msg(9, str(1, 'cfg'), int(2, true), str(3, '/etc/cfg'), str(4, ''), str(6, '')),
            msg(10, msg(1, msg(2, str(1, '/healthz'), intOrString(2, 'http'), str(3, ''), str(4, 'HTTP'))), int(2, 0), int(3, 1), int(4, 10), int(5, 1), int(6, 3)),
            msg(11, msg(1, msg(1, str(1, 'cat'), str(1, '/ready')))),
            msg(12, msg(2, msg(4, int(1, 5)))),
            msg(15, msg(1, str(2, 'ALL')), int(4, 0), int(5, false), int(7, false)),
          ),
          str(3, 'Never'), int(4, 0),
          msg(14, packed(4, [1000, 2000]), int(4, 3000), int(5, 2000)),
          msg(18, msg(1, msg(1, msg(1, msg(1, str(1, 'zone'), str(2, 'In'), str(3, 'a'))))), msg(3, msg(2, int(1, 50), msg(2, str(3, 'kubernetes.io/hostname'))))),
          msg(22, str(1, 'k'), str(2, 'Exists'), str(3, ''), str(4, 'NoExecute'), int(5, 0)),
          entry(7, 'disk', 'ssd'),
        ),
      ),
      msg(3),
    ],
    want: {
      metadata: { name: 'j', ownerReferences: [{ kind: 'CronJob', name: 'cj', uid: 'u-1', apiVersion: 'batch/v1', controller: true }] },
      spec: {
        parallelism: 1, backoffLimit: 6, suspend: false, completionMode: 'NonIndexed',
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            volumes: [
              { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: 'p', mode: 0o400 }], defaultMode: 420 } },
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
            ],
            containers: [{
              name: 'c', image: 'img:v1',
              resources: { limits: { cpu: '200m' }, requests: { memory: '1Gi' } },
              volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
              readinessProbe: { exec: { command: ['cat', '/ready'] } },
              lifecycle: { preStop: { sleep: { seconds: 5 } } },
              securityContext: { capabilities: { drop: ['ALL'] }, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false },
            }],
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
            securityContext: { supplementalGroups: [1000, 2000, 3000], fsGroup: 2000 },
            affinity: {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
              podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] },
            },
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
            nodeSelector: { disk: 'ssd' },
          },
        },
      },
    },
  },
  {
    name: 'CronJob with a job template, time zone and suspend=true',
    apiVersion: 'batch/v1', kind: 'CronJob',
    raw: [objectMeta(1, 'cj'), msg(2, str(1, '*/5 * * * *'), str(8, 'UTC'), str(3, 'Forbid'), int(4, true), int(6, 0), msg(5, objectMeta(1, 'cj'), msg(2, template(6, container(), str(3, 'OnFailure')))))],
    want: {
      metadata: { name: 'cj' },
      spec: {
        schedule: '*/5 * * * *', timeZone: 'UTC', concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0,
        jobTemplate: { metadata: { name: 'cj' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'img:v1', resources: {} }], restartPolicy: 'OnFailure' } } } },
      },
    },
  },
  {
    name: 'Role rules',
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role',
    raw: [objectMeta(1, 'r'), msg(2, str(1, 'get'), str(1, 'list'), str(2, ''), str(3, 'pods'), str(3, 'pods/log'), str(4, 'x'))],
    want: { metadata: { name: 'r' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['x'] }] },
  },
  {
    name: 'ClusterRole with non-resource URLs and an aggregation rule',
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
    raw: [objectMeta(1, 'cr'), msg(2, str(1, 'get'), str(5, '/logs/*')), msg(3, msg(1, entry(1, 'foo', 'bar')))],
    want: { metadata: { name: 'cr' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { foo: 'bar' } }] } },
  },
  {
    name: 'RoleBinding and ClusterRoleBinding subjects and roleRef',
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding',
    raw: [objectMeta(1, 'rb'), msg(2, str(1, 'User'), str(2, 'rbac.authorization.k8s.io'), str(3, 'alice'), str(4, '')), msg(2, str(1, 'ServiceAccount'), str(2, ''), str(3, 'sa'), str(4, 'ns')), msg(3, str(1, 'rbac.authorization.k8s.io'), str(2, 'ClusterRole'), str(3, 'view'))],
    want: {
      metadata: { name: 'rb' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    },
  },
  {
    name: 'ResourceQuota hard quantities and scopes',
    apiVersion: 'v1', kind: 'ResourceQuota',
    raw: [objectMeta(1, 'q'), msg(2, entry(1, 'cpu', [str(1, '1')]), entry(1, 'pods', [str(1, '10')]), str(2, 'BestEffort'), msg(3, msg(1, str(1, 'PriorityClass'), str(2, 'In'), str(3, 'high'))))],
    want: { metadata: { name: 'q' }, spec: { hard: { cpu: '1', pods: '10' }, scopes: ['BestEffort'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } } },
  },
  {
    name: 'ServiceAccount with automount=false',
    apiVersion: 'v1', kind: 'ServiceAccount',
    raw: [objectMeta(1, 'sa'), msg(3, str(1, 'pull')), int(4, false)],
    want: { metadata: { name: 'sa' }, imagePullSecrets: [{ name: 'pull' }], automountServiceAccountToken: false },
  },
  {
    name: 'PriorityClass: a negative value (10-byte varint) and value 0 kept; globalDefault=false dropped',
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass',
    raw: [objectMeta(1, 'pc'), int(2, -5), int(3, false), str(4, 'd'), str(5, 'Never')],
    want: { metadata: { name: 'pc' }, value: -5, description: 'd', preemptionPolicy: 'Never' },
  },
  {
    name: 'Eviction with delete options (gracePeriodSeconds=0 kept) and preconditions',
    apiVersion: 'policy/v1', kind: 'Eviction',
    raw: [objectMeta(1, 'p', str(3, 'ns')), msg(2, int(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All'))],
    want: { metadata: { name: 'p', namespace: 'ns' }, deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, propagationPolicy: 'Foreground', dryRun: ['All'] } },
  },
  {
    name: 'SelfSubjectAccessReview (kubectl auth can-i) with resource attributes',
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
    raw: [objectMeta(1, ''), msg(2, msg(1, str(1, 'kube-system'), str(2, 'get'), str(3, ''), str(4, ''), str(5, 'pods'), str(6, 'log'), str(7, ''))), msg(3, int(1, false))],
    want: { metadata: {}, spec: { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log' } } },
  },
  {
    name: 'SelfSubjectAccessReview with non-resource attributes',
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
    raw: [objectMeta(1, ''), msg(2, msg(2, str(1, '/logs'), str(2, 'get')))],
    want: { metadata: {}, spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } } },
  },
  {
    name: 'SubjectAccessReview: extra is a map of string lists',
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    raw: [objectMeta(1, ''), msg(2, msg(1, str(2, 'list'), str(5, 'pods')), str(3, 'alice'), str(4, 'devs'), entry(5, 'scopes', [str(1, 'a'), str(1, 'b')]), str(6, 'u1'))],
    want: { metadata: {}, spec: { resourceAttributes: { verb: 'list', resource: 'pods' }, user: 'alice', groups: ['devs'], extra: { scopes: ['a', 'b'] }, uid: 'u1' } },
  },
  {
    name: 'TokenRequest (kubectl create token)',
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
    raw: [objectMeta(1, ''), msg(2, str(1, 'a1'), msg(3, str(1, 'Pod'), str(2, 'v1'), str(3, 'p1'), str(4, 'u1')), int(4, 600)), msg(3, str(1, ''), msg(2))],
    want: { metadata: {}, spec: { audiences: ['a1'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'u1' }, expirationSeconds: 600 } },
  },
  {
    name: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview',
    raw: [objectMeta(1, ''), msg(2, str(1, 'tok'), str(2, 'api'))],
    want: { metadata: {}, spec: { token: 'tok', audiences: ['api'] } },
  },
  {
    name: 'HorizontalPodAutoscaler (kubectl autoscale)',
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler',
    raw: [objectMeta(1, 'web'), msg(2, msg(1, str(1, 'Deployment'), str(2, 'web'), str(3, 'apps/v1')), int(2, 1), int(3, 3), int(4, 80))],
    want: { metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 } },
  },
  {
    name: 'Scale',
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    raw: [objectMeta(1, 'web'), msg(2, int(1, 4)), msg(3, int(1, 2), str(2, 'app=web'))],
    want: { metadata: { name: 'web' }, spec: { replicas: 4 } },
  },
];

for (const c of cases) {
  test(`decodes ${c.apiVersion} ${c.kind}: ${c.name}`, () => {
    const unknown: string[] = [];
    const got = decodeK8sProtobuf(envelope(c.apiVersion, c.kind, c.raw), { onUnknown: (p, n) => unknown.push(`${p}#${n}`) });
    assert.deepEqual(got, { apiVersion: c.apiVersion, kind: c.kind, ...c.want });
    assert.deepEqual(unknown, [], 'every field written is described');
  });
}

test('unknown fields are skipped and reported, as protobuf does', () => {
  const unknown: string[] = [];
  const got = decodeK8sProtobuf(envelope('v1', 'ServiceAccount', [objectMeta(1, 'sa', str(99, 'future')), int(42, 7)]), { onUnknown: (p, n) => unknown.push(`${p}#${n}`) });
  assert.deepEqual(got, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } });
  assert.deepEqual(unknown, ['ServiceAccount.metadata#99', 'ServiceAccount#42']);
});

test('every message the schema refers to is described, and every kind maps to a message', () => {
  const scalars = new Set(['string', 'bytes', 'bool', 'int', 'time', 'quantity', 'intOrString', 'stringList']);
  for (const [name, fields] of Object.entries(MESSAGES)) {
    for (const [no, f] of Object.entries(fields)) {
      if (f.skip || scalars.has(f.type)) continue;
      assert.ok(MESSAGES[f.type], `${name} field ${no} (${f.name}) refers to ${f.type}`);
    }
  }
  for (const [kind, m] of Object.entries(KIND_MESSAGES)) assert.ok(MESSAGES[m], `${kind} → ${m}`);
});

const refusals: { name: string; body: Uint8Array; unsupportedKind: boolean }[] = [
  { name: 'a kind without a schema', body: envelope('networking.k8s.io/v1', 'Ingress', []), unsupportedKind: true },
  { name: 'no k8s magic', body: Uint8Array.from([1, 2, 3, 4]), unsupportedKind: false },
  { name: 'a truncated envelope', body: Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x40]), unsupportedKind: false },
  { name: 'a number where a message belongs', body: envelope('v1', 'Service', [int(2, 5)]), unsupportedKind: false },
  { name: 'a truncated packed varint', body: envelope('v1', 'Pod', [msg(2, msg(14, bytes(4, [0x80])))]), unsupportedKind: false },
];
for (const r of refusals) {
  test(`refuses ${r.name}`, () => {
    assert.throws(() => decodeK8sProtobuf(r.body), (e: unknown) => e instanceof ProtobufDecodeError && e.unsupportedKind === r.unsupportedKind);
  });
}
