import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types/index.js';
import { coreEventToV1, UnsupportedFieldLabel, v1EventFieldSelectorToCore, v1EventToCore } from './event-conversion.js';
import { SelectorParseError } from '../../api/fields.js';

const meta = { name: 'web.1', namespace: 'default', uid: 'u1', resourceVersion: '7' };
const ref = { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1', apiVersion: 'v1', resourceVersion: '3', fieldPath: 'spec.containers{a}' };

// [name, core/v1 shape, events.k8s.io/v1 shape]: each converts into the other.
const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'recorder-style core event (source, first/last timestamps, count)',
    {
      apiVersion: 'v1', kind: 'Event', metadata: meta, involvedObject: ref, reason: 'Pulled', message: 'pulled image', type: 'Normal',
      source: { component: 'kubelet', host: 'n1' }, firstTimestamp: '2026-12-01T00:00:00Z', lastTimestamp: '2026-12-01T00:01:00Z', count: 3,
      eventTime: null, reportingComponent: 'kubelet', reportingInstance: 'n1',
    },
    {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta, regarding: ref, reason: 'Pulled', note: 'pulled image', type: 'Normal',
      deprecatedSource: { component: 'kubelet', host: 'n1' }, deprecatedFirstTimestamp: '2026-12-01T00:00:00Z', deprecatedLastTimestamp: '2026-12-01T00:01:00Z', deprecatedCount: 3,
      eventTime: null, reportingController: 'kubelet', reportingInstance: 'n1',
    },
  ],
  [
    'new-API event (eventTime, series, action, related)',
    {
      apiVersion: 'v1', kind: 'Event', metadata: meta, involvedObject: ref, related: { kind: 'Node', name: 'n1' }, reason: 'Scheduled', action: 'Binding',
      message: 'assigned', type: 'Normal', eventTime: '2026-12-01T00:00:00.123456Z', series: { count: 2, lastObservedTime: '2026-12-01T00:02:00.000001Z' },
      reportingComponent: 'default-scheduler', reportingInstance: 'default-scheduler-h',
    },
    {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta, regarding: ref, related: { kind: 'Node', name: 'n1' }, reason: 'Scheduled', action: 'Binding',
      note: 'assigned', type: 'Normal', eventTime: '2026-12-01T00:00:00.123456Z', series: { count: 2, lastObservedTime: '2026-12-01T00:02:00.000001Z' },
      reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-h',
    },
  ],
  ['bare event (only metadata)', { apiVersion: 'v1', kind: 'Event', metadata: meta }, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta }],
];

test('event conversion: core → events.k8s.io/v1 and back', () => {
  for (const [name, core, v1] of cases) {
    assert.deepEqual(coreEventToV1(core as unknown as KubeObject), v1, name);
    assert.deepEqual(v1EventToCore(coreEventToV1(core as unknown as KubeObject)), core, `${name} (round trip)`);
  }
});

test('event conversion: events.k8s.io/v1 → core and back', () => {
  for (const [name, core, v1] of cases) {
    assert.deepEqual(v1EventToCore(v1 as unknown as KubeObject), core, name);
    assert.deepEqual(coreEventToV1(v1EventToCore(v1 as unknown as KubeObject)), v1, `${name} (round trip)`);
  }
});

test('event conversion: fields of the other version are not carried over', () => {
  const mixed = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta, note: 'n', message: 'stale core spelling' } as unknown as KubeObject;
  assert.deepEqual(v1EventToCore(mixed), { apiVersion: 'v1', kind: 'Event', metadata: meta, message: 'n' });
});

test('events.k8s.io field selectors map onto core labels', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['regarding.name=web', 'involvedObject.name=web'],
    ['regarding.kind=Pod,regarding.namespace=default,regarding.uid!=u', 'involvedObject.kind=Pod,involvedObject.namespace=default,involvedObject.uid!=u'],
    ['reportingController==kubelet', 'reportingComponent==kubelet'],
    ['type=Warning,reason=Failed,metadata.name=a\\,b', 'type=Warning,reason=Failed,metadata.name=a\\,b'],
    ['regarding.apiVersion=apps/v1,regarding.resourceVersion=3,regarding.fieldPath=x,metadata.namespace=d', 'involvedObject.apiVersion=apps/v1,involvedObject.resourceVersion=3,involvedObject.fieldPath=x,metadata.namespace=d'],
  ];
  for (const [v1, core] of cases) assert.equal(v1EventFieldSelectorToCore(v1), core, v1);
  for (const bad of ['involvedObject.name=web', 'source=kubelet', 'note=x']) assert.throws(() => v1EventFieldSelectorToCore(bad), UnsupportedFieldLabel, bad);
  assert.throws(() => v1EventFieldSelectorToCore('regarding.name'), SelectorParseError);
});
