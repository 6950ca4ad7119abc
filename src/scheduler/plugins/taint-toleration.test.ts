import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Toleration } from '../../api/types/core.js';
import { frameworkFor, filterAll, scoreAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { tolerates } from './helpers/taints.js';

test('tolerates: operator/effect/key matching', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoSchedule' as const };
  const cases: [Toleration, boolean][] = [
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', value: 'v' }, true],
    [{ key: 'k', value: 'x' }, false],
    [{ key: 'k', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
  ];
  for (const [t, want] of cases) assert.equal(tolerates(t, taint), want, JSON.stringify(t));
});

test('TaintToleration filter: untolerated NoSchedule/NoExecute with upstream reason', () => {
  const snap = snapshot([
    [makeNode('clean'), []],
    [makeNode('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), []],
    [makeNode('master', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoExecute' }] }), []],
    [makeNode('soft', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), []],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'TaintToleration' }] });
  assert.deepEqual(filterAll(fw, makePod('p'), snap), {
    clean: 'ok',
    gpu: 'node(s) had untolerated taint {dedicated: gpu}',
    master: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    soft: 'ok',
  });
  const tol = makePod('p', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
  assert.equal(filterAll(fw, tol, snap).gpu, 'ok');
});

test('TaintToleration score: fewer intolerable PreferNoSchedule taints is better', () => {
  const snap = snapshot([
    [makeNode('none'), []],
    [makeNode('one', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }), []],
    [makeNode('two', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] }), []],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'TaintToleration', weight: 1 }] });
  assert.deepEqual(scoreAll(fw, makePod('p'), snap), { none: 100, one: 50, two: 0 });
  const tol = makePod('p', { spec: { tolerations: [{ key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
  assert.deepEqual(scoreAll(fw, tol, snap), { none: 100, one: 0, two: 0 });
});
