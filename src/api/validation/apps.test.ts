import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Case, errorsAfter } from './testdata.js';

const notMatch = 'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`';

const deployments: Case[] = [
  { name: 'selector required', mutate: (d) => delete d.spec.selector, want: ['spec.selector: Required value'] },
  { name: 'selector non-empty', mutate: (d) => (d.spec.selector = {}), want: ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'] },
  { name: 'template labels must match', mutate: (d) => (d.spec.template.metadata.labels = { app: 'other' }), want: [notMatch] },
  { name: 'replicas >= 0', mutate: (d) => (d.spec.replicas = -1), want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'template restartPolicy Always', mutate: (d) => (d.spec.template.spec.restartPolicy = 'Never'), want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
  { name: 'maxSurge and maxUnavailable not both 0', mutate: (d) => (d.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: '0%' }), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when maxSurge is 0'] },
  { name: 'maxUnavailable over 100%', mutate: (d) => (d.spec.strategy.rollingUpdate.maxUnavailable = '150%'), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'] },
  { name: 'Recreate without rollingUpdate', mutate: (d) => (d.spec.strategy.type = 'Recreate'), want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"] },
  { name: 'bad strategy type', mutate: (d) => (d.spec.strategy = { type: 'BlueGreen' }), want: ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"'] },
  {
    name: 'selector immutable', mutate: () => {},
    update: (d) => ((d.spec.selector.matchLabels = { app: 'web', v: '2' }), (d.spec.template.metadata.labels = { app: 'web', v: '2' })),
    want: ['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable'],
  },
  { name: 'scale allowed', mutate: () => {}, update: (d) => (d.spec.replicas = 10), want: [] },
];

test('deployment rules', async () => {
  for (const c of deployments) assert.deepEqual(await errorsAfter('deployments', c.mutate, c.update), c.want, c.name);
});

test('replicaset, statefulset and daemonset rules', async () => {
  const cases: [string, Case][] = [
    ['replicasets', { name: 'rs empty selector', mutate: (r) => (r.spec.selector = {}), want: ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'] }],
    ['statefulsets', { name: 'sts podManagementPolicy', mutate: (s) => (s.spec.podManagementPolicy = 'Fast'), want: ['spec.podManagementPolicy: Unsupported value: "Fast": supported values: "OrderedReady", "Parallel"'] }],
    ['statefulsets', { name: 'sts frozen fields', mutate: () => {}, update: (s) => (s.spec.serviceName = 'other'), want: ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"] }],
    ['statefulsets', { name: 'sts template update', mutate: () => {}, update: (s) => (s.spec.template.spec.containers[0].image = 'x:2'), want: [] }],
    ['daemonsets', { name: 'ds matchExpressions mismatch', mutate: (d) => (d.spec.template.metadata.labels = { app: 'other' }), want: [notMatch] }],
    ['daemonsets', { name: 'ds empty selector', mutate: (d) => (d.spec.selector = {}), want: ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset'] }],
    ['daemonsets', { name: 'ds both zero', mutate: (d) => (d.spec.updateStrategy.rollingUpdate = { maxUnavailable: 0, maxSurge: '0%' }), want: ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'] }],
    ['daemonsets', { name: 'ds both set', mutate: (d) => (d.spec.updateStrategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 1 }), want: ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "1": may not be set when maxUnavailable is non-zero'] }],
    ['daemonsets', { name: 'ds strategy', mutate: (d) => (d.spec.updateStrategy.type = 'Rolling'), want: ['spec.updateStrategy.type: Unsupported value: "Rolling": supported values: "OnDelete", "RollingUpdate"'] }],
  ];
  for (const [r, c] of cases) assert.deepEqual(await errorsAfter(r, c.mutate, c.update), c.want, c.name);
});

test('label selector syntax', async () => {
  const cases: Case[] = [
    { name: 'In needs values', mutate: (d) => ((d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] })), want: ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'", 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'] },
    { name: 'Exists forbids values', mutate: (d) => ((d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] })), want: ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"] },
    { name: 'bad operator', mutate: (d) => ((d.spec.selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'Like' }] })), want: ['spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'] },
    { name: 'NotIn matches', mutate: (d) => ((d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }, { key: 'tier', operator: 'DoesNotExist' }] })), want: [] },
  ];
  for (const c of cases) assert.deepEqual(await errorsAfter('deployments', c.mutate, c.update), c.want, c.name);
});
