import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Case, errorsAfter } from './testdata.js';

const cases: [string, Case][] = [
  ['namespaces', { name: 'ns finalizer syntax', mutate: (n) => (n.spec.finalizers = ['a b']), want: ["spec.finalizers[0]: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"] }],
  ['nodes', { name: 'taint effect', mutate: (n) => (n.spec.taints[0].effect = 'NoWay'), want: ['spec.taints[0].effect: Unsupported value: "NoWay": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'] }],
  ['nodes', { name: 'pod cidr', mutate: (n) => (n.spec.podCIDR = '10.0.0.0/40'), want: ['spec.podCIDRs[0]: Invalid value: "10.0.0.0/40": must be a valid CIDR'] }],
  ['events', { name: 'event namespace mismatch', mutate: (e) => (e.involvedObject.namespace = 'other'), want: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'] }],
  ['events', { name: 'event type', mutate: (e) => (e.type = 'Info'), want: ['type: Unsupported value: "Info": supported values: "Normal", "Warning"'] }],
  ['limitranges', { name: 'min above max', mutate: (l) => (l.spec.limits[0].min.cpu = '3'), want: ['spec.limits[0].min[cpu]: Invalid value: "3": min value 3 is greater than max value 2'] }],
  ['resourcequotas', { name: 'bad quota quantity', mutate: (q) => (q.spec.hard.pods = 'ten'), want: ["spec.hard[pods]: Invalid value: \"ten\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"] }],
  ['resourcequotas', { name: 'scopeSelector PriorityClass In', mutate: (q) => (q.spec.scopeSelector = { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] }), want: [] }],
  ['resourcequotas', { name: 'scopeSelector In needs values', mutate: (q) => (q.spec.scopeSelector = { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' }] }), want: ["spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"] }],
  ['resourcequotas', { name: 'scopeSelector QoS scope needs Exists', mutate: (q) => (q.spec.scopeSelector = { matchExpressions: [{ scopeName: 'BestEffort', operator: 'DoesNotExist' }] }), want: ["spec.scopeSelector.matchExpressions.operator: Invalid value: \"DoesNotExist\": must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"] }],
  ['resourcequotas', { name: 'scopeSelector unknown scope', mutate: (q) => (q.spec.scopeSelector = { matchExpressions: [{ scopeName: 'Cheap', operator: 'Exists' }] }), want: ['spec.scopeSelector.matchExpressions.scopeName: Invalid value: "Cheap": unsupported scope'] }],
  ['leases', { name: 'lease duration', mutate: (l) => (l.spec.leaseDurationSeconds = 0), want: ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'] }],
  ['endpointslices', { name: 'slice address type', mutate: (e) => (e.addressType = 'IPv5'), want: ['addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN"'] }],
  ['endpointslices', { name: 'slice ip family', mutate: (e) => (e.endpoints[0].addresses = ['fd00::1']), want: ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'] }],
  ['endpointslices', { name: 'slice empty addresses', mutate: (e) => (e.endpoints[0].addresses = []), want: ['endpoints[0].addresses: Required value: must contain at least 1 address'] }],
  ['endpointslices', { name: 'slice addressType immutable', mutate: () => {}, update: (e) => ((e.addressType = 'FQDN'), (e.endpoints[0].addresses = ['a.example.com'])), want: ['addressType: Invalid value: "FQDN": field is immutable'] }],
  ['priorityclasses', { name: 'user priority cap', mutate: (p) => (p.value = 2_000_000_000), want: ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000'] }],
  ['priorityclasses', { name: 'system prefix reserved', mutate: (p) => (p.metadata.name = 'system-mine'), want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved"] }],
  ['priorityclasses', { name: 'system class allowed', mutate: (p) => ((p.metadata.name = 'system-node-critical'), (p.value = 2_000_001_000)), want: [] }],
  ['priorityclasses', { name: 'value immutable', mutate: () => {}, update: (p) => (p.value = 5), want: ['value: Forbidden: may not be changed in an update.'] }],
  ['roles', { name: 'verbs required', mutate: (r) => (r.rules[0].verbs = []), want: ['rules[0].verbs: Required value: verbs must contain at least one value'] }],
  ['roles', { name: 'non-resource in role', mutate: (r) => (r.rules = [{ nonResourceURLs: ['/x'], verbs: ['get'] }]), want: ['rules[0].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs'] }],
  ['rolebindings', { name: 'roleRef kind', mutate: (b) => (b.roleRef.kind = 'Group'), want: ['roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"'] }],
  ['rolebindings', { name: 'roleRef immutable', mutate: () => {}, update: (b) => (b.roleRef.name = 'other'), want: ['roleRef: Invalid value: {"kind":"Role","name":"other","apiGroup":"rbac.authorization.k8s.io"}: cannot change roleRef'] }],
  ['clusterrolebindings', { name: 'crb needs ClusterRole', mutate: (b) => (b.roleRef.kind = 'Role'), want: ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'] }],
  ['clusterrolebindings', { name: 'crb SA namespace', mutate: (b) => (b.subjects = [{ kind: 'ServiceAccount', name: 'x' }]), want: ['subjects[0].namespace: Required value'] }],
];

test('rules of the smaller kinds', async () => {
  for (const [r, c] of cases) assert.deepEqual(await errorsAfter(r, c.mutate, c.update), c.want, `${r}: ${c.name}`);
});
