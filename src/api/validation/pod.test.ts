import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Case, errorsAfter } from './testdata.js';

const cases: Case[] = [
  { name: 'no containers', mutate: (p) => (p.spec.containers = []), want: ['spec.containers: Required value'] },
  { name: 'image required', mutate: (p) => delete p.spec.containers[0].image, want: ['spec.containers[0].image: Required value'] },
  {
    name: 'container name must be a DNS label', mutate: (p) => (p.spec.containers[0].name = 'Web'),
    want: ["spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
  },
  {
    name: 'duplicate container names',
    mutate: (p) => p.spec.containers.push({ ...p.spec.containers[0], volumeMounts: [], ports: [] }),
    want: ['spec.containers[1].name: Duplicate value: "web"'],
  },
  { name: 'port out of range', mutate: (p) => (p.spec.containers[0].ports[0].containerPort = 70000), want: ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
  { name: 'port required', mutate: (p) => (p.spec.containers[0].ports[0].containerPort = 0), want: ['spec.containers[0].ports[0].containerPort: Required value'] },
  { name: 'bad protocol', mutate: (p) => (p.spec.containers[0].ports[0].protocol = 'HTTP'), want: ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
  { name: 'bad restartPolicy', mutate: (p) => (p.spec.restartPolicy = 'Sometimes'), want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
  { name: 'bad dnsPolicy', mutate: (p) => (p.spec.dnsPolicy = 'Cluster'), want: ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"'] },
  { name: 'dnsPolicy None needs dnsConfig', mutate: (p) => (p.spec.dnsPolicy = 'None'), want: ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'] },
  { name: 'duplicate volume names', mutate: (p) => (p.spec.volumes[1].name = 'conf'), want: ['spec.volumes[1].name: Duplicate value: "conf"', 'spec.containers[0].volumeMounts[1].name: Not found: "scratch"'] },
  { name: 'volume without source', mutate: (p) => delete p.spec.volumes[1].emptyDir, want: ['spec.volumes[1]: Required value: must specify a volume type'] },
  { name: 'volume with two sources', mutate: (p) => (p.spec.volumes[1].hostPath = { path: '/x', type: '' }), want: ['spec.volumes[1].emptyDir: Forbidden: may not specify more than 1 volume type'] },
  { name: 'mount of a missing volume', mutate: (p) => (p.spec.containers[0].volumeMounts[0].name = 'nope'), want: ['spec.containers[0].volumeMounts[0].name: Not found: "nope"'] },
  { name: 'requests above limits', mutate: (p) => (p.spec.containers[0].resources.requests.cpu = '1'), want: ['spec.containers[0].resources.requests[cpu]: Invalid value: "1": must be less than or equal to cpu limit of 500m'] },
  {
    name: 'bad quantity', mutate: (p) => (p.spec.containers[0].resources.limits.memory = '12XB'),
    want: ["spec.containers[0].resources.limits[memory]: Invalid value: \"12XB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  },
  { name: 'negative quantity', mutate: (p) => (p.spec.containers[0].resources.requests.memory = '-1'), want: ['spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0'] },
  { name: 'env name required', mutate: (p) => (p.spec.containers[0].env[0].name = ''), want: ['spec.containers[0].env[0].name: Required value'] },
  { name: 'env name with =', mutate: (p) => (p.spec.containers[0].env[0].name = 'A=B'), want: ["spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"] },
  { name: 'env value and valueFrom', mutate: (p) => (p.spec.containers[0].env[1].value = 'x'), want: ['spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty'] },
  { name: 'probe without handler', mutate: (p) => delete p.spec.containers[0].livenessProbe.tcpSocket, want: ['spec.containers[0].livenessProbe: Required value: must specify a handler type'] },
  { name: 'probe with two handlers', mutate: (p) => (p.spec.containers[0].readinessProbe.exec = { command: ['true'] }), want: ['spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type'] },
  { name: 'liveness successThreshold must be 1', mutate: (p) => (p.spec.containers[0].livenessProbe.successThreshold = 2), want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'] },
  { name: 'negative grace period', mutate: (p) => (p.spec.terminationGracePeriodSeconds = -1), want: ['spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'toleration Exists with value', mutate: (p) => (p.spec.tolerations[0].operator = 'Exists'), want: ["spec.tolerations[0].operator: Invalid value: \"web\": value must be empty when `operator` is 'Exists'"] },
  { name: 'bad pull policy', mutate: (p) => (p.spec.containers[0].imagePullPolicy = 'Sometimes'), want: ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'] },
  { name: 'init container probes forbidden', mutate: (p) => (p.spec.initContainers = [{ name: 'init', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File', livenessProbe: { exec: { command: ['true'] } } }]), want: ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'] },
  {
    name: 'node affinity operator values',
    mutate: (p) => (p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }, { key: 'gpu', operator: 'Gt', values: ['1', '2'] }, { key: 'x', operator: 'Near' }] }] } } }),
    want: [
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
    ],
  },
  { name: 'no node selector terms', mutate: (p) => (p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }), want: ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term'] },
  {
    name: 'pod anti-affinity weight and topology key',
    mutate: (p) => (p.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: '' } }] } }),
    want: [
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Required value: can not be empty',
    ],
  },
  {
    name: 'topology spread constraints',
    mutate: (p) => (p.spec.topologySpreadConstraints = [
      { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      { maxSkew: 1, topologyKey: 'host', whenUnsatisfiable: 'Maybe' },
    ]),
    want: [
      'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      'spec.topologySpreadConstraints[1]: Duplicate value: "{zone, DoNotSchedule}"',
      'spec.topologySpreadConstraints[2].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    ],
  },
];

test('pod spec rules', async () => {
  for (const c of cases) assert.deepEqual(await errorsAfter('pods', c.mutate), c.want, c.name);
});

const podUpdateMsg =
  'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const updates: Case[] = [
  { name: 'image change allowed', mutate: () => {}, update: (p) => (p.spec.containers[0].image = 'nginx:1.28'), want: [] },
  { name: 'toleration addition allowed', mutate: () => {}, update: (p) => p.spec.tolerations.push({ key: 'k', operator: 'Exists' }), want: [] },
  { name: 'activeDeadlineSeconds set allowed', mutate: () => {}, update: (p) => (p.spec.activeDeadlineSeconds = 30), want: [] },
  { name: 'activeDeadlineSeconds raise refused', mutate: (p) => (p.spec.activeDeadlineSeconds = 30), update: (p) => (p.spec.activeDeadlineSeconds = 60), want: ['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value'] },
  { name: 'env change refused', mutate: () => {}, update: (p) => (p.spec.containers[0].env[0].value = 'dev'), want: [podUpdateMsg] },
  { name: 'toleration removal refused', mutate: () => {}, update: (p) => (p.spec.tolerations = []), want: ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'] },
  { name: 'label change allowed', mutate: () => {}, update: (p) => (p.metadata.labels.tier = 'x'), want: [] },
];

test('pod update rules', async () => {
  for (const c of updates) assert.deepEqual(await errorsAfter('pods', c.mutate, c.update), c.want, c.name);
});
