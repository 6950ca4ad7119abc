import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, LimitRange, LimitRangeItem, Pod, ResourceQuota, ServiceAccount } from '../../api/types/index.js';
import { RESOURCES } from '../registry/resources.js';
import { StatusError } from '../errors.js';
import { StorageError, type Versioned } from '../storage/interface.js';
import type { AdmissionAttributes } from './interface.js';
import { LimitRanger, effectiveDefaults, checkPod } from './limit-ranger.js';
import { ServiceAccountAdmission, SA_MOUNT_PATH } from './service-account.js';
import { ResourceQuotaAdmission, type QuotaAccess } from './quota/admission.js';
import { exceeded, exceededMessage } from './quota/usage.js';
import { computeUsed, usageList } from '../../api/quota-usage.js';

const usageOf = (group: string, resource: string, obj: KubeObject) => usageList(group, resource, obj, 0);

const pods = RESOURCES.find((r) => r.resource === 'pods')!;
const attrs = (pod: Pod, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({ operation: 'CREATE', resource: pods, namespace: 'd', name: pod.metadata.name!, object: pod, user: { username: 'u', groups: [] }, dryRun: false, ...extra });
const pod = (containers: Pod['spec']['containers'], extra: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'd' }, spec: { containers, ...extra } });
const rejects = async (p: Promise<unknown>, code: number, msg: RegExp) => assert.rejects(p, (e: unknown) => e instanceof StatusError && e.code === code && msg.test(e.message));

test('LimitRanger: item defaulting (max → default → defaultRequest, min → defaultRequest)', () => {
  assert.deepEqual(effectiveDefaults({ type: 'Container', max: { cpu: '2' }, min: { memory: '10Mi' } }), { limits: { cpu: '2' }, requests: { cpu: '2', memory: '10Mi' } });
  assert.deepEqual(effectiveDefaults({ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }), { limits: { cpu: '500m' }, requests: { cpu: '100m' } });
});

test('LimitRanger: defaults applied with the annotation; min/max/ratio refusals as upstream', async () => {
  const items: LimitRangeItem[] = [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '10' } }];
  const lr = new LimitRanger(async () => [{ metadata: { name: 'l' }, spec: { limits: items } } as LimitRange]);
  const p = pod([{ name: 'c', image: 'i' }]);
  await lr.admit(attrs(p));
  assert.deepEqual(p.spec.containers[0]!.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c');
  await lr.validate(attrs(p));
  await rejects(lr.validate(attrs(pod([{ name: 'c', resources: { limits: { cpu: '2' }, requests: { cpu: '1' } } }]))), 403, /^pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2$/);
  await rejects(lr.validate(attrs(pod([{ name: 'c', resources: { limits: { cpu: '1' }, requests: { cpu: '50m' } } }]))), 403, /cpu max limit to request ratio per Container is 10, but provided ratio is 20\.000000/);
  const table: [LimitRangeItem, Pod['spec']['containers'], string[]][] = [
    [{ type: 'Container', min: { memory: '64Mi' } }, [{ name: 'a', resources: { requests: { memory: '32Mi' } } }], ['minimum memory usage per Container is 64Mi, but request is 32Mi']],
    [{ type: 'Container', min: { memory: '64Mi' } }, [{ name: 'a' }], ['minimum memory usage per Container is 64Mi.  No request is specified']],
    [{ type: 'Container', max: { memory: '1Gi' } }, [{ name: 'a' }], ['maximum memory usage per Container is 1Gi.  No limit is specified']],
    [{ type: 'Pod', max: { cpu: '1' } }, [{ name: 'a', resources: { limits: { cpu: '600m' } } }, { name: 'b', resources: { limits: { cpu: '600m' } } }], ['maximum cpu usage per Pod is 1, but limit is 1200m']],
    [{ type: 'Pod', max: { cpu: '2' } }, [{ name: 'a', resources: { limits: { cpu: '600m' } } }, { name: 'b', resources: { limits: { cpu: '600m' } } }], []],
  ];
  for (const [item, cs, want] of table) assert.deepEqual(checkPod(pod(cs), [item]), want, JSON.stringify(item));
  const two = new LimitRanger(async () => [{ metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '1', memory: '1Gi' } }] } } as LimitRange]);
  await rejects(two.validate(attrs(pod([{ name: 'c', resources: { limits: { cpu: '2', memory: '2Gi' } } }]))), 403, /is forbidden: \[maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi\]$/);
});

test('ServiceAccount admission: default name, missing account refused, projected volume + mounts, opt-out', async () => {
  const accounts = new Map<string, ServiceAccount>([['d/default', { metadata: { name: 'default' } }], ['d/quiet', { metadata: { name: 'quiet' }, automountServiceAccountToken: false }]]);
  const adm = new ServiceAccountAdmission(async (ns, n) => accounts.get(`${ns}/${n}`), () => 0);
  const p = pod([{ name: 'c', image: 'i' }], { initContainers: [{ name: 'init', image: 'i' }] });
  await adm.admit(attrs(p));
  assert.equal(p.spec.serviceAccountName, 'default');
  const vol = p.spec.volumes![0]!;
  assert.equal(vol.name, 'kube-api-access-bbbbb');
  assert.deepEqual(vol.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  for (const c of [...p.spec.containers, ...p.spec.initContainers!]) assert.deepEqual(c.volumeMounts, [{ name: 'kube-api-access-bbbbb', readOnly: true, mountPath: SA_MOUNT_PATH }]);
  await rejects(adm.admit(attrs(pod([{ name: 'c' }], { serviceAccountName: 'ghost' }))), 403, /^pods "p" is forbidden: error looking up service account d\/ghost: serviceaccount "ghost" not found$/);
  const off = pod([{ name: 'c' }], { automountServiceAccountToken: false });
  await adm.admit(attrs(off));
  assert.equal(off.spec.volumes, undefined);
  const quiet = pod([{ name: 'c' }], { serviceAccountName: 'quiet' });
  await adm.admit(attrs(quiet));
  assert.equal(quiet.spec.volumes, undefined);
  const podWins = pod([{ name: 'c' }], { serviceAccountName: 'quiet', automountServiceAccountToken: true });
  await adm.admit(attrs(podWins));
  assert.equal(podWins.spec.volumes?.length, 1);
});

test('quota usage math: pods, compute, counts, exceeded message', () => {
  const p = pod([{ name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } } }, { name: 'b', resources: { requests: { cpu: '250m' }, limits: { cpu: '1' } } }]);
  const u = usageOf('', 'pods', p);
  assert.equal(u.pods, '1');
  assert.equal(u['count/pods'], '1');
  assert.equal(u['requests.cpu'], '500m');
  assert.equal(u['limits.cpu'], '1500m');
  assert.equal(u['requests.memory'], '64Mi');
  assert.deepEqual(usageOf('apps', 'deployments', { metadata: {} }), { 'count/deployments.apps': '1' });
  assert.deepEqual(usageOf('', 'pods', { ...p, status: { phase: 'Succeeded' } } as Pod), {});
  const hard = { pods: '2', 'requests.cpu': '1' };
  const used = computeUsed({ metadata: { name: 'q' }, spec: { hard } }, [{ resource: 'pods', group: '', items: [p, { ...p, metadata: { ...p.metadata, name: 'p2' } }] }], 0);
  assert.deepEqual(used, { pods: '2', 'requests.cpu': '1' });
  assert.deepEqual(exceeded(hard, used, u), ['pods', 'requests.cpu']);
  assert.deepEqual(exceeded(hard, { pods: '1', 'requests.cpu': '500m' }, u), []);
  assert.equal(exceededMessage('q', ['pods', 'requests.cpu'], hard, used, u), 'exceeded quota: q, requested: pods=1,requests.cpu=500m, used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1');
});

test('quota admission charges by CAS and retries on conflict; N+1th refused; must specify', async () => {
  // A fake store with etcd-like revisions; every other update conflicts once.
  let rev = 1;
  const key = '/registry/resourcequotas/d/q';
  let cur: Versioned = { key, rev, obj: { metadata: { name: 'q', namespace: 'd' }, spec: { hard: { pods: '3' } } } as ResourceQuota };
  let conflicts = 0;
  let flip = false;
  const access: QuotaAccess = {
    list: async () => [cur],
    get: async () => cur,
    usage: async () => ({ pods: '0' }),
    update: async (_k, obj, expected) => {
      flip = !flip;
      if (flip || expected !== cur.rev) {
        conflicts++;
        // someone else touched it: bump the revision without changing usage
        cur = { ...cur, rev: ++rev };
        throw new StorageError('Conflict', 'conflict');
      }
      cur = { key, rev: ++rev, obj };
      return rev;
    },
  };
  const adm = new ResourceQuotaAdmission(access);
  for (let i = 0; i < 3; i++) await adm.validate(attrs(pod([{ name: 'c' }])));
  assert.equal((cur.obj as ResourceQuota).status?.used?.pods, '3');
  assert.ok(conflicts >= 3);
  await rejects(adm.validate(attrs(pod([{ name: 'c' }]))), 403, /^pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3$/);
  // dry run checks without charging
  cur = { ...cur, obj: { ...cur.obj, status: { hard: { pods: '3' }, used: { pods: '0' } } } as ResourceQuota };
  await adm.validate(attrs(pod([{ name: 'c' }]), { dryRun: true }));
  assert.equal((cur.obj as ResourceQuota).status?.used?.pods, '0');
  // compute quota needs requests
  const cpuQ: QuotaAccess = { ...access, list: async () => [{ key, rev: 1, obj: { metadata: { name: 'cq' }, spec: { hard: { 'requests.cpu': '1' } } } as ResourceQuota }] };
  await rejects(new ResourceQuotaAdmission(cpuQ).validate(attrs(pod([{ name: 'c' }]))), 403, /failed quota: cq: must specify requests.cpu for: c/);
});
