import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types/index.js';
import { decide, type OwnerState } from './classify.js';

const obj = (uid: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name: uid, namespace: 'ns', uid, ...extra } });
const ref = (uid: string, block = false) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, blockOwnerDeletion: block });
const owners = (m: Record<string, OwnerState>) => new Map(Object.entries(m));

test('background: all owners gone → delete; one solid owner → drop dangling refs only', () => {
  assert.deepEqual(decide({ obj: obj('d', { ownerReferences: [ref('o')] }), owners: owners({ o: 'absent' }), dependents: [] }), { kind: 'delete', policy: 'Background' });
  assert.deepEqual(decide({ obj: obj('d', { ownerReferences: [ref('o'), ref('p')] }), owners: owners({ o: 'absent', p: 'solid' }), dependents: [] }), { kind: 'removeRefs', uids: ['o'] });
  assert.deepEqual(decide({ obj: obj('d', { ownerReferences: [ref('o')] }), owners: owners({ o: 'solid' }), dependents: [] }), { kind: 'none' });
  assert.deepEqual(decide({ obj: obj('d'), owners: owners({}), dependents: [] }), { kind: 'none' });
});

test('foreground: owner waits for blocking dependents, dependents of a waiting owner are deleted in foreground', () => {
  const owner = obj('o', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] });
  const blocking = obj('d', { ownerReferences: [ref('o', true)] });
  const loose = obj('e', { ownerReferences: [ref('o', false)] });
  assert.deepEqual(decide({ obj: owner, owners: owners({}), dependents: [blocking, loose] }), { kind: 'waitForDependents' });
  assert.deepEqual(decide({ obj: owner, owners: owners({}), dependents: [loose] }), { kind: 'removeFinalizer', finalizer: 'foregroundDeletion' });
  assert.deepEqual(decide({ obj: blocking, owners: owners({ o: 'waiting' }), dependents: [] }), { kind: 'delete', policy: 'Foreground' });
});

test('orphan: dependents lose their refs before the finalizer goes', () => {
  const owner = obj('o', { deletionTimestamp: 't', finalizers: ['orphan'] });
  assert.deepEqual(decide({ obj: owner, owners: owners({}), dependents: [obj('d', { ownerReferences: [ref('o')] })] }), { kind: 'orphanDependents' });
  assert.deepEqual(decide({ obj: owner, owners: owners({}), dependents: [] }), { kind: 'removeFinalizer', finalizer: 'orphan' });
});

test('a foreground cycle is broken by unblocking the dependent\'s refs', () => {
  const a = obj('a', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'], ownerReferences: [ref('b', true)] });
  const b = obj('b', { ownerReferences: [ref('a', true)] });
  assert.deepEqual(decide({ obj: b, owners: owners({ a: 'waiting' }), dependents: [a] }), { kind: 'delete', policy: 'Foreground', unblockUids: ['a'] });
});
