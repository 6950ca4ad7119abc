import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriorityAdmission } from './priority.js';
import { DefaultTolerationSeconds } from './default-toleration-seconds.js';
import type { AdmissionAttributes } from './interface.js';
import type { Pod, PriorityClass } from '../../api/types/index.js';
import { RESOURCES } from '../registry/resources.js';
import { StatusError } from '../errors.js';

const pods = RESOURCES.find((r) => r.resource === 'pods')!;
const attrs = (pod: Pod): AdmissionAttributes => ({ operation: 'CREATE', resource: pods, namespace: 'd', name: pod.metadata.name!, object: pod, user: { username: 'u', groups: [] }, dryRun: false });
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });
const pc = (name: string, value: number, globalDefault = false): PriorityClass => ({ metadata: { name }, value, globalDefault });

test('priority: class name resolves to its value; default class applies; unknown class refused', async () => {
  const adm = new PriorityAdmission(async () => [pc('high', 1000), pc('low', 10, true)]);
  const a = pod({ priorityClassName: 'high' });
  await adm.admit(attrs(a));
  assert.equal(a.spec.priority, 1000);
  const b = pod();
  await adm.admit(attrs(b));
  assert.equal(b.spec.priority, 10);
  assert.equal(b.spec.priorityClassName, 'low');
  await assert.rejects(adm.admit(attrs(pod({ priorityClassName: 'nope' }))), (e: unknown) => e instanceof StatusError && e.code === 403);
  const c = pod();
  await new PriorityAdmission(async () => []).admit(attrs(c));
  assert.equal(c.spec.priority, 0);
});

test('default toleration seconds are added unless the pod already tolerates', () => {
  const adm = new DefaultTolerationSeconds();
  const a = pod();
  adm.admit(attrs(a));
  assert.deepEqual(a.spec.tolerations?.map((t) => [t.key, t.tolerationSeconds]), [['node.kubernetes.io/not-ready', 300], ['node.kubernetes.io/unreachable', 300]]);
  const b = pod({ tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
  adm.admit(attrs(b));
  assert.deepEqual(b.spec.tolerations?.map((t) => [t.key, t.tolerationSeconds]), [['node.kubernetes.io/unreachable', 5], ['node.kubernetes.io/not-ready', 300]]);
  const c = pod({ tolerations: [{ operator: 'Exists' }] });
  adm.admit(attrs(c));
  assert.equal(c.spec.tolerations?.length, 1);
});
