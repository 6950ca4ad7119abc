import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, Pod, ResourceQuota, Service } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { quantityToString } from '../../api/quantity.js';
import { computeUsed, objectUsage, podMatchesScopes } from './usage.js';

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

test('podMatchesScopes: Terminating / NotTerminating / BestEffort / NotBestEffort', () => {
  const be = pod('be', [{}]);
  const burst = pod('b', [{ req: { cpu: '1' } }], { activeDeadlineSeconds: 30 });
  const cases: [Pod, string[], boolean][] = [
    [be, ['BestEffort'], true], [be, ['NotBestEffort'], false], [be, ['NotTerminating'], true],
    [burst, ['Terminating', 'NotBestEffort'], true], [burst, ['BestEffort'], false], [burst, ['PriorityClass'], false], [be, [], true],
  ];
  for (const [p, scopes, want] of cases) assert.equal(podMatchesScopes(p, scopes), want, `${p.metadata.name} ${scopes.join(',')}`);
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
});
