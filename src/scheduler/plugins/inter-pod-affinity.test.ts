import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from '../../api/types/core.js';
import { frameworkFor, filterAll, scoreAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY } from './inter-pod-affinity.js';

const zone = (n: string, z: string) => makeNode(n, { labels: { zone: z } });
const term = (app: string, topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const web = (name: string, nodeName?: string) => makePod(name, { labels: { app: 'web' }, ...(nodeName ? { nodeName } : {}) });

test('InterPodAffinity filter: required affinity, anti-affinity, existing pods anti-affinity', () => {
  const snap = snapshot([
    [zone('a1', 'a'), [web('w1')]],
    [zone('a2', 'a'), []],
    [zone('b1', 'b'), [makePod('db', { labels: { app: 'db' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache', 'kubernetes.io/hostname')] } } } })]],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'InterPodAffinity' }] });
  const cases: [string, ReturnType<typeof makePod>, Record<string, string>][] = [
    ['affinity to web by zone', makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } }), { a1: 'ok', a2: 'ok', b1: ERR_REASON_AFFINITY }],
    ['anti-affinity to web by host', makePod('p', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } } } }), { a1: ERR_REASON_ANTI_AFFINITY, a2: 'ok', b1: 'ok' }],
    ['anti-affinity to web by zone', makePod('p', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } }), { a1: ERR_REASON_ANTI_AFFINITY, a2: ERR_REASON_ANTI_AFFINITY, b1: 'ok' }],
    ['existing db repels cache', makePod('p', { labels: { app: 'cache' } }), { a1: 'ok', a2: 'ok', b1: ERR_REASON_EXISTING_ANTI_AFFINITY }],
    ['other namespace not matched', makePod('p', { ns: 'other', spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } }), { a1: 'ok', a2: 'ok', b1: 'ok' }],
  ];
  for (const [name, pod, want] of cases) assert.deepEqual(filterAll(fw, pod, snap), want, name);
});

test('InterPodAffinity: the first pod of a self-affine group may go anywhere', () => {
  const snap = snapshot([[zone('a1', 'a'), []], [zone('b1', 'b'), []]]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'InterPodAffinity' }] });
  const pod = makePod('p', { labels: { app: 'web' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } });
  assert.deepEqual(filterAll(fw, pod, snap), { a1: 'ok', b1: 'ok' });
});

test('InterPodAffinity score: preferred affinity attracts, preferred anti-affinity repels', () => {
  const snap = snapshot([[zone('a1', 'a'), [web('w1')]], [zone('b1', 'b'), []]]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'InterPodAffinity' }] });
  const aff = makePod('p', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('web', 'zone') }] } } } });
  assert.deepEqual(scoreAll(fw, aff, snap), { a1: 100, b1: 0 });
  const anti = makePod('p', { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('web', 'zone') }] } } } });
  assert.deepEqual(scoreAll(fw, anti, snap), { a1: 0, b1: 100 });
});
