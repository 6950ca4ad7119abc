import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from '../../api/types/core.js';
import { FakeClock } from '../../util/clock.js';
import { SchedulerCache } from '../cache/cache.js';
import { ClusterSnapshot } from '../cache/snapshot.js';
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

test('InterPodAffinity: namespaces and namespaceSelector select pods in other namespaces (upstream union)', () => {
  const snap = snapshot([
    [zone('a1', 'a'), [makePod('w', { ns: 'prod', labels: { app: 'web' } })]],
    [zone('b1', 'b'), [makePod('w2', { ns: 'dev', labels: { app: 'web' } })]],
    [zone('c1', 'c'), []],
  ]);
  snap.setNamespace('prod', { env: 'prod' });
  snap.setNamespace('dev', { env: 'dev' });
  const fw = frameworkFor(snap, { plugins: [{ name: 'InterPodAffinity' }] });
  const anti = (t: Partial<PodAffinityTerm>) => makePod('p', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('web', 'zone'), ...t }] } } } });
  const cases: [string, Partial<PodAffinityTerm>, Record<string, string>][] = [
    ['null selector, no list: own namespace only', {}, { a1: 'ok', b1: 'ok', c1: 'ok' }],
    ['empty selector: all namespaces', { namespaceSelector: {} }, { a1: ERR_REASON_ANTI_AFFINITY, b1: ERR_REASON_ANTI_AFFINITY, c1: 'ok' }],
    ['selector env=prod', { namespaceSelector: { matchLabels: { env: 'prod' } } }, { a1: ERR_REASON_ANTI_AFFINITY, b1: 'ok', c1: 'ok' }],
    ['list dev', { namespaces: ['dev'] }, { a1: 'ok', b1: ERR_REASON_ANTI_AFFINITY, c1: 'ok' }],
    ['list dev ∪ selector env=prod', { namespaces: ['dev'], namespaceSelector: { matchLabels: { env: 'prod' } } }, { a1: ERR_REASON_ANTI_AFFINITY, b1: ERR_REASON_ANTI_AFFINITY, c1: 'ok' }],
    ['selector matching no namespace', { namespaceSelector: { matchLabels: { env: 'qa' } } }, { a1: 'ok', b1: 'ok', c1: 'ok' }],
  ];
  for (const [name, t, want] of cases) assert.deepEqual(filterAll(fw, anti(t), snap), want, name);
  // existing pods' terms resolve the incoming pod's namespace labels; relabelling the namespace takes effect
  const snap2 = snapshot([[zone('a1', 'a'), [makePod('db', { ns: 'prod', spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('cache', 'zone'), namespaceSelector: { matchLabels: { team: 'x' } } }] } } } })]], [zone('b1', 'b'), []]]);
  const fw2 = frameworkFor(snap2, { plugins: [{ name: 'InterPodAffinity' }] });
  const cache = makePod('c', { ns: 'dev', labels: { app: 'cache' } });
  snap2.setNamespace('dev', { team: 'y' });
  assert.deepEqual(filterAll(fw2, cache, snap2), { a1: 'ok', b1: 'ok' });
  snap2.setNamespace('dev', { team: 'x' });
  assert.deepEqual(filterAll(fw2, cache, snap2), { a1: ERR_REASON_EXISTING_ANTI_AFFINITY, b1: 'ok' });
});

test('InterPodAffinity: counts kept across cycles (topology index) equal a fresh count after every change', () => {
  const cache = new SchedulerCache({ clock: new FakeClock(0) });
  const snap = new ClusterSnapshot();
  for (let i = 0; i < 6; i++) cache.addNode(makeNode(`n${i}`, { labels: { zone: `z${i % 3}` } }));
  const kept = frameworkFor(snap, { plugins: [{ name: 'InterPodAffinity' }] });
  const anti = (g: string, key: string): PodAffinityTerm => ({ labelSelector: { matchLabels: { g } }, topologyKey: key });
  const probes = [
    makePod('pa', { labels: { g: 'a' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [anti('a', 'kubernetes.io/hostname')] } } } }),
    makePod('pb', { labels: { g: 'b' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [anti('a', 'zone')] } } } }),
    makePod('pc', { labels: { g: 'c' } }),
  ];
  const placed: ReturnType<typeof makePod>[] = [];
  for (let step = 0; step < 24; step++) {
    // 1. change the cluster: add a pod (some with anti-affinity or preferences), sometimes remove one
    const g = ['a', 'b', 'c'][step % 3]!;
    const spec = step % 4 === 0
      ? { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [anti('c', 'zone')] } } }
      : step % 4 === 1 ? { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: anti('c', 'zone') }] } } } : {};
    const p = makePod(`e${step}`, { labels: { g }, nodeName: `n${(step * 5) % 6}`, spec });
    cache.addPod(p);
    placed.push(p);
    if (step % 5 === 4) cache.removePod(placed.splice(1, 1)[0]!);
    if (step === 12) cache.addNode(makeNode('n6', { labels: { zone: 'z0' } }));
    cache.updateSnapshot(snap);
    // 2. the long-lived plugin (indexed) must agree with a fresh one on filter and score
    const fresh = frameworkFor(snap, { plugins: [{ name: 'InterPodAffinity' }] });
    for (const probe of probes) {
      assert.deepEqual(filterAll(kept, probe, snap), filterAll(fresh, probe, snap), `filter ${probe.metadata.name} step ${step}`);
      assert.deepEqual(scoreAll(kept, probe, snap), scoreAll(fresh, probe, snap), `score ${probe.metadata.name} step ${step}`);
    }
  }
});
