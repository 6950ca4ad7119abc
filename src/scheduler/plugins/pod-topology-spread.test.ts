import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopologySpreadConstraint } from '../../api/types/core.js';
import { frameworkFor, filterAll, scoreAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH as SKEW, ERR_REASON_NODE_LABEL_NOT_MATCH as LABEL } from './pod-topology-spread.js';

const zone = (n: string, z?: string) => makeNode(n, { labels: z ? { zone: z } : {} });
const web = (name: string) => makePod(name, { labels: { app: 'web' } });
const spread = (maxSkew: number, when: 'DoNotSchedule' | 'ScheduleAnyway' = 'DoNotSchedule', minDomains?: number): TopologySpreadConstraint => ({
  maxSkew, topologyKey: 'zone', whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } }, ...(minDomains ? { minDomains } : {}),
});

test('PodTopologySpread filter: maxSkew across zones, missing label, minDomains', () => {
  const snap = snapshot([
    [zone('a1', 'a'), [web('w1'), web('w2')]],
    [zone('b1', 'b'), [web('w3')]],
    [zone('c1', 'c'), []],
    [zone('nolabel'), []],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'PodTopologySpread' }] });
  const pod = (c: TopologySpreadConstraint) => makePod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [c] } });
  const cases: [string, TopologySpreadConstraint, Record<string, string>][] = [
    ['maxSkew 1', spread(1), { a1: SKEW, b1: SKEW, c1: 'ok', nolabel: LABEL }],
    ['maxSkew 2', spread(2), { a1: SKEW, b1: 'ok', c1: 'ok', nolabel: LABEL }],
    ['minDomains 4 (only 3 exist → global min 0)', spread(2, 'DoNotSchedule', 4), { a1: SKEW, b1: 'ok', c1: 'ok', nolabel: LABEL }],
  ];
  for (const [name, c, want] of cases) assert.deepEqual(filterAll(fw, pod(c), snap), want, name);
  // ScheduleAnyway constraints never filter
  assert.deepEqual(filterAll(fw, pod(spread(1, 'ScheduleAnyway')), snap), { a1: 'ok', b1: 'ok', c1: 'ok', nolabel: 'ok' });
});

test('PodTopologySpread score: emptier domains score higher; system defaults for owned pods', () => {
  const snap = snapshot([[zone('a1', 'a'), [web('w1'), web('w2')]], [zone('b1', 'b'), []]]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'PodTopologySpread' }] });
  const got = scoreAll(fw, makePod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [spread(1, 'ScheduleAnyway')] } }), snap);
  assert.ok(got.b1! > got.a1!, JSON.stringify(got));
  const owned = makePod('p', { labels: { app: 'web' } });
  owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }];
  const byHost = scoreAll(fw, owned, snap);
  assert.ok(byHost.b1! > byHost.a1!, JSON.stringify(byHost));
});
