import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, Pod, ResourceQuota, Service } from './types/index.js';
import { makePod } from '../controllers/common/testing.js';
import { quantityToString } from './quantity.js';
import { computeUsed, objectUsage, quotaScopeMatches, quotaSelectors } from './quota-usage.js';

const pod = (name: string, containers: { req?: Record<string, string>; lim?: Record<string, string> }[], extra: Partial<Pod['spec']> = {}, phase: 'Running' | 'Succeeded' = 'Running'): Pod => {
  const p = makePod({ name, phase });
  p.spec = { ...p.spec, ...extra, containers: containers.map((c, i) => ({ name: `c${i}`, image: 'i', resources: { requests: c.req, limits: c.lim } })) };
  return p;
};
const svc = (name: string, type: string, ports: number): Service => ({ metadata: { name, namespace: 'default' }, spec: { type, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) } } as Service);
const quota = (hard: Record<string, string>, scopes?: string[]): ResourceQuota => ({ metadata: { name: 'q', namespace: 'default' }, spec: { hard, scopes } });

test('objectUsage: pod requests/limits (init max, sidecars, overhead), service node ports, counts', () => {
  const p = pod('p', [{ req: { cpu: '100m', memory: '64Mi' }, lim: { cpu: '200m' } }, { req: { cpu: '0.15' } }], {
    initContainers: [{ name: 'init', image: 'i', resources: { requests: { cpu: '1' } } }],
    overhead: { cpu: '10m' },
  });
  const u = objectUsage('pods', '', p, 0);
  const s = (k: string) => { const v = u.get(k); return v === undefined ? undefined : quantityToString(v); };
  assert.equal(s('pods'), '1');
  assert.equal(s('requests.cpu'), '1010m', 'max(sum 250m, init 1) + 10m overhead');
  assert.equal(s('cpu'), s('requests.cpu'));
  assert.equal(s('limits.cpu'), '210m');
  assert.equal(objectUsage('pods', '', pod('done', [], {}, 'Succeeded'), 0).size, 0, 'terminal pods charge nothing');
  assert.deepEqual([...objectUsage('services', '', svc('np', 'NodePort', 2), 0).keys()].sort(), ['count/services', 'services', 'services.nodeports']);
  assert.deepEqual([...objectUsage('deployments', 'apps', { metadata: { name: 'd' } }, 0).keys()], ['count/deployments.apps']);
});

test('quota scopes: Terminating / NotTerminating / BestEffort / NotBestEffort / PriorityClass selector', () => {
  const be = pod('be', [{}]);
  const beWithOtherRequests = pod('be-gpu', [{ req: { 'nvidia.com/gpu': '1' } }]);
  const burst = pod('b', [{ req: { cpu: '1' } }], { activeDeadlineSeconds: 30 });
  const high = pod('high', [{ lim: { memory: '1Gi' } }], { priorityClassName: 'high' });
  const cm: KubeObject = { metadata: { name: 'cm' } };
  const sel = (scopeName: string, operator: string, values?: string[]): ResourceQuota => ({ metadata: { name: 'q' }, spec: { hard: { pods: '1' }, scopeSelector: { matchExpressions: [{ scopeName, operator, values }] } } });
  const cases: [string, ResourceQuota, KubeObject, string, boolean][] = [
    ['unscoped takes pods', quota({ pods: '1' }), be, 'pods', true],
    ['unscoped takes other objects', quota({ configmaps: '1' }), cm, 'configmaps', true],
    ['BestEffort', quota({ pods: '1' }, ['BestEffort']), be, 'pods', true],
    ['BestEffort: only cpu and memory decide', quota({ pods: '1' }, ['BestEffort']), beWithOtherRequests, 'pods', true],
    ['NotBestEffort of best effort', quota({ pods: '1' }, ['NotBestEffort']), be, 'pods', false],
    ['NotBestEffort of a limit', quota({ pods: '1' }, ['NotBestEffort']), high, 'pods', true],
    ['NotTerminating', quota({ pods: '1' }, ['NotTerminating']), be, 'pods', true],
    ['Terminating + NotBestEffort', quota({ pods: '1' }, ['Terminating', 'NotBestEffort']), burst, 'pods', true],
    ['Terminating of no deadline', quota({ pods: '1' }, ['Terminating']), be, 'pods', false],
    ['scoped quotas take no other objects', quota({ configmaps: '1' }, ['NotTerminating']), cm, 'configmaps', false],
    ['PriorityClass In hit', sel('PriorityClass', 'In', ['high', 'mid']), high, 'pods', true],
    ['PriorityClass In miss', sel('PriorityClass', 'In', ['low']), high, 'pods', false],
    ['PriorityClass In of none', sel('PriorityClass', 'In', ['high']), be, 'pods', false],
    ['PriorityClass NotIn', sel('PriorityClass', 'NotIn', ['low']), high, 'pods', true],
    ['PriorityClass NotIn of none', sel('PriorityClass', 'NotIn', ['high']), be, 'pods', true],
    ['PriorityClass Exists', sel('PriorityClass', 'Exists'), high, 'pods', true],
    ['PriorityClass Exists of none', sel('PriorityClass', 'Exists'), be, 'pods', false],
    ['PriorityClass DoesNotExist', sel('PriorityClass', 'DoesNotExist'), be, 'pods', true],
    ['selector scope ignores the operator for QoS', sel('BestEffort', 'Exists'), be, 'pods', true],
    ['scopes and selector both apply', { ...sel('PriorityClass', 'In', ['high']), spec: { ...sel('PriorityClass', 'In', ['high']).spec, scopes: ['BestEffort'] } }, high, 'pods', false],
    ['unknown scope matches nothing', quota({ pods: '1' }, ['CrossNamespaceFoo']), be, 'pods', false],
  ];
  for (const [name, q, obj, resource, want] of cases) assert.equal(quotaScopeMatches(q, resource, '', obj), want, name);
  assert.deepEqual(quotaSelectors({ metadata: {}, spec: { scopes: ['BestEffort'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['x'] }] } } }), [
    { scopeName: 'BestEffort', operator: 'Exists' }, { scopeName: 'PriorityClass', operator: 'In', values: ['x'] },
  ]);
});

test('computeUsed sums every resource named in hard, 0 when unused, and honours scopes', () => {
  const objects = [
    { resource: 'pods', group: '', items: [pod('a', [{ req: { cpu: '500m', memory: '1Gi' }, lim: { memory: '2Gi' } }]), pod('b', [{ req: { cpu: '1500m', memory: '1Gi' } }]), pod('c', [{}]), pod('d', [{ req: { cpu: '9' } }], {}, 'Succeeded')] as KubeObject[] },
    { resource: 'services', group: '', items: [svc('s1', 'ClusterIP', 1), svc('s2', 'LoadBalancer', 3)] as KubeObject[] },
    { resource: 'configmaps', group: '', items: [{ metadata: { name: 'cm' } }] },
    { resource: 'deployments', group: 'apps', items: [] },
  ];
  const hard = { pods: '10', 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.memory': '8Gi', services: '5', 'services.nodeports': '5', 'services.loadbalancers': '1', configmaps: '3', 'count/deployments.apps': '2', secrets: '1' };
  assert.deepEqual(computeUsed(quota(hard), objects, 0), {
    pods: '3', 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.memory': '2Gi', services: '2', 'services.nodeports': '3', 'services.loadbalancers': '1', configmaps: '1', 'count/deployments.apps': '0', secrets: '0',
  });
  assert.deepEqual(computeUsed(quota({ pods: '5', configmaps: '1' }, ['BestEffort']), objects, 0), { pods: '1', configmaps: '0' });
  assert.deepEqual(computeUsed(quota({ pods: '5', 'requests.cpu': '10' }, ['NotBestEffort']), objects, 0), { pods: '2', 'requests.cpu': '2' });
});
