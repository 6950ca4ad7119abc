import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types/index.js';
import { managerFromUserAgent, recordWriteOwnership } from './field-ownership.js';

const cm = (data: Record<string, string>, managedFields?: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...(managedFields ? { managedFields } : {}) }, data } as unknown as KubeObject);
const managers = (o: KubeObject) => (o.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

test('managerFromUserAgent takes the part before the first slash', () => {
  for (const [ua, want] of [['kubectl/v1.32.4 (linux/amd64) kubernetes/abc', 'kubectl'], ['kubets-kubelet', 'kubets-kubelet'], [undefined, undefined], ['/x', undefined]] as const) {
    assert.equal(managerFromUserAgent(ua), want, String(ua));
  }
});

test('recordWriteOwnership: who gets recorded and when nothing is', () => {
  const tracked = recordWriteOwnership(undefined, cm({ k: '1' }), { fieldManager: 'kubectl-create' }, { kind: 'ConfigMap', now: 0 });
  const cases: Array<[string, KubeObject | undefined, KubeObject, Parameters<typeof recordWriteOwnership>[2], string[]]> = [
    ['explicit manager on create', undefined, cm({ k: '1' }), { fieldManager: 'kubectl-create' }, ['kubectl-create/Update']],
    ['untracked object, no manager: left alone', cm({ k: '1' }), cm({ k: '2' }), { defaultManager: 'controller' }, []],
    ['tracked object, no manager: user agent name', tracked, cm({ k: '2' }, tracked.metadata.managedFields), { defaultManager: 'controller' }, ['controller/Update']],
    ['server-side apply records itself', tracked, cm({ k: '2' }), { fieldManager: 'x', applying: true }, []],
  ];
  for (const [name, prev, next, w, want] of cases) assert.deepEqual(managers(recordWriteOwnership(prev, next, w, { kind: 'ConfigMap', now: 0 })), want, name);
});
