import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeValue, fieldSelectorFromSet, fieldsOf, parseFieldSelector, SelectorParseError, supportedFields } from './fields.js';

test('parseFieldSelector: matching table', () => {
  const fields = { 'metadata.name': 'x', 'spec.nodeName': 'n1', 'status.phase': 'Running', 'a': 'has,comma=eq' };
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=x', true],
    ['metadata.name==x', true],
    ['metadata.name=y', false],
    ['metadata.name!=y', true],
    ['metadata.name!=x', false],
    ['metadata.name=x,spec.nodeName=n1', true],
    ['metadata.name=x,spec.nodeName=n2', false],
    ['spec.nodeName!=', true],
    ['missing=', true],
    ['missing!=', false],
    ['missing=v', false],
    ['a=has\\,comma\\=eq', true],
    ['metadata.name=x,', true],
  ];
  for (const [sel, want] of cases) assert.equal(parseFieldSelector(sel).matches(fields), want, sel);
});

test('parseFieldSelector: requirements, empty, toString round trip', () => {
  const s = parseFieldSelector('involvedObject.name=x,involvedObject.uid!=u1');
  assert.deepEqual(s.requirements, [
    { field: 'involvedObject.name', op: '=', value: 'x' },
    { field: 'involvedObject.uid', op: '!=', value: 'u1' },
  ]);
  assert.equal(s.empty(), false);
  assert.equal(parseFieldSelector('').empty(), true);
  const tricky = fieldSelectorFromSet({ a: 'x,y=z\\' });
  assert.equal(tricky.toString(), 'a=x\\,y\\=z\\\\');
  assert.deepEqual(parseFieldSelector(tricky.toString()).requirements, tricky.requirements);
  assert.equal(escapeValue('a,b'), 'a\\,b');
});

test('parseFieldSelector: bad syntax throws SelectorParseError', () => {
  for (const bad of ['a', 'metadata.name', '=x', 'a=b,c', 'a=\\x']) {
    assert.throws(() => parseFieldSelector(bad), SelectorParseError, bad);
  }
  assert.throws(() => parseFieldSelector('foo'), /invalid selector: 'foo'; can't understand 'foo'/);
});

test('fieldsOf: pods', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'sa', hostNetwork: true },
    status: { phase: 'Running', podIP: '10.0.0.1' },
  };
  assert.deepEqual(fieldsOf('pods', pod), {
    'metadata.name': 'p',
    'metadata.namespace': 'ns',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'sa',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.1',
    'status.nominatedNodeName': '',
  });
  assert.equal(fieldsOf('pods', { metadata: { name: 'q' } })['spec.hostNetwork'], 'false');
  assert.equal(parseFieldSelector('spec.nodeName=').matches(fieldsOf('pods', { metadata: { name: 'q' } })), true);
});

test('fieldsOf: events (core and events.k8s.io), secrets, nodes, namespaces, replicasets, jobs', () => {
  const ev = {
    metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'x', uid: 'u', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{c}' },
    reason: 'Scheduled',
    source: { component: 'default-scheduler' },
    reportingComponent: 'default-scheduler',
    type: 'Normal',
  };
  const f = fieldsOf('events', ev);
  assert.equal(f['involvedObject.kind'], 'Pod');
  assert.equal(f['involvedObject.uid'], 'u');
  assert.equal(f['involvedObject.fieldPath'], 'spec.containers{c}');
  assert.equal(f['source'], 'default-scheduler');
  assert.equal(f['reason'], 'Scheduled');
  assert.equal(f['type'], 'Normal');
  assert.equal(parseFieldSelector('involvedObject.name=x,involvedObject.namespace=default,involvedObject.uid=u').matches(f), true);
  const ev2 = { metadata: { name: 'e2', namespace: 'd' }, regarding: { kind: 'Node', name: 'n' }, reportingController: 'kubelet', deprecatedSource: { component: 'kubelet' } };
  const f2 = fieldsOf('events.events.k8s.io', ev2);
  assert.equal(f2['involvedObject.kind'], 'Node');
  assert.equal(f2['reportingComponent'], 'kubelet');
  assert.equal(f2['source'], 'kubelet');
  assert.equal(fieldsOf('secrets', { metadata: { name: 's' }, type: 'Opaque' })['type'], 'Opaque');
  assert.deepEqual(fieldsOf('nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } }), { 'metadata.name': 'n', 'spec.unschedulable': 'true' });
  assert.deepEqual(fieldsOf('namespaces', { metadata: { name: 'ns' }, status: { phase: 'Terminating' } }), { 'metadata.name': 'ns', 'status.phase': 'Terminating' });
  assert.equal(fieldsOf('replicasets.apps', { metadata: { name: 'r' }, status: { replicas: 3 } })['status.replicas'], '3');
  assert.equal(fieldsOf('replicasets', { metadata: { name: 'r' } })['status.replicas'], '0');
  assert.equal(fieldsOf('jobs', { metadata: { name: 'j' }, status: { successful: 1 } })['status.successful'], '1');
  assert.deepEqual(fieldsOf('configmaps', { metadata: { name: 'c', namespace: 'n' } }), { 'metadata.name': 'c', 'metadata.namespace': 'n' });
});

test('supportedFields', () => {
  assert.deepEqual(supportedFields('configmaps'), ['metadata.name', 'metadata.namespace']);
  assert.deepEqual(supportedFields('nodes'), ['metadata.name', 'spec.unschedulable']);
  assert.ok(supportedFields('pods').includes('spec.nodeName'));
  assert.ok(supportedFields('events').includes('involvedObject.uid'));
  assert.ok(!supportedFields('pods').includes('foo'));
  assert.deepEqual(supportedFields('secrets'), ['metadata.name', 'metadata.namespace', 'type']);
  assert.ok(supportedFields('jobs.batch').includes('status.successful'));
});
