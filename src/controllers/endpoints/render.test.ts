import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from '../../api/types/index.js';
import { makePod } from '../common/testing.js';
import { renderSubsets } from './render.js';
import { renderSlices, planSlices, contentKey } from '../endpointslice/render.js';

function svc(extra: Partial<Service['spec']> = {}): Service {
  return { metadata: { name: 'web', namespace: 'default', uid: 'S' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra } };
}

function pod(name: string, ip: string | undefined, ready: boolean, httpPort = 8080, extra: Partial<Pod['spec']> = {}): Pod {
  const p = makePod({ name, node: 'n1', readySince: ready ? 0 : undefined, labels: { app: 'web' } });
  p.status!.podIP = ip;
  p.spec.containers[0]!.ports = [{ name: 'http', containerPort: httpPort }];
  Object.assign(p.spec, extra);
  return p;
}

test('endpoints: ready/not-ready split, named ports per pod, repacked by port set', () => {
  const pods = [pod('a', '10.0.0.2', true), pod('b', '10.0.0.1', false), pod('c', '10.0.0.3', true, 9090), pod('noip', undefined, true)];
  const subsets = renderSubsets(svc(), pods);
  assert.equal(subsets.length, 2);
  const s8080 = subsets.find((s) => s.ports![0]!.port === 8080)!;
  assert.deepEqual(s8080.addresses!.map((a) => a.ip), ['10.0.0.2']);
  assert.deepEqual(s8080.notReadyAddresses!.map((a) => a.ip), ['10.0.0.1']);
  assert.equal(s8080.ports![0]!.name, 'http');
  const s9090 = subsets.find((s) => s.ports![0]!.port === 9090)!;
  assert.deepEqual(s9090.addresses!.map((a) => a.targetRef!.name), ['c']);
});

test('endpoints: publishNotReadyAddresses, terminating and terminal pods, hostname for subdomain', () => {
  const term = pod('t', '10.0.0.9', true);
  term.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  const done = pod('d', '10.0.0.8', false);
  done.status!.phase = 'Succeeded';
  const host = pod('h', '10.0.0.7', true, 8080, { hostname: 'web-0', subdomain: 'web' });
  const s = renderSubsets(svc({ publishNotReadyAddresses: true }), [pod('nr', '10.0.0.1', false), term, done, host]);
  assert.deepEqual(s[0]!.addresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.7', '10.0.0.9']);
  assert.equal(s[0]!.addresses![1]!.hostname, 'web-0');
  const s2 = renderSubsets(svc(), [term, done]);
  assert.equal(s2.length, 0);
});

test('endpoints: headless service without ports still lists addresses', () => {
  const s = renderSubsets(svc({ clusterIP: 'None', ports: [] }), [pod('a', '10.0.0.2', true)]);
  assert.equal(s.length, 1);
  assert.equal(s[0]!.ports, undefined);
  assert.equal(s[0]!.addresses!.length, 1);
});

test('endpoint slices: conditions, chunking at 100, grouping by port set', () => {
  const term = pod('t', '10.0.1.1', true);
  term.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  const slices = renderSlices(svc({ publishNotReadyAddresses: false }), [pod('a', '10.0.0.1', true), pod('b', '10.0.0.2', false)]);
  assert.equal(slices.length, 1);
  assert.deepEqual(slices[0]!.endpoints.map((e) => e.conditions), [{ ready: true, serving: true, terminating: false }, { ready: false, serving: false, terminating: false }]);
  assert.deepEqual(slices[0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const many = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, `10.1.${Math.floor(i / 200)}.${i % 200}`, true));
  const big = renderSlices(svc(), many);
  assert.deepEqual(big.map((s) => s.endpoints.length), [100, 100, 50]);
  const published = renderSlices(svc({ publishNotReadyAddresses: true }), [term]);
  assert.deepEqual(published[0]!.endpoints[0]!.conditions, { ready: true, serving: true, terminating: true });
});

test('slice planning keeps identical slices, reuses same-port slices, deletes leftovers', () => {
  const s = svc();
  const desired = renderSlices(s, [pod('a', '10.0.0.1', true)]);
  const labels = { x: 'y' };
  const same = { metadata: { name: 's1', labels }, addressType: 'IPv4' as const, ...desired[0]! };
  const stale = { metadata: { name: 's2', labels }, addressType: 'IPv4' as const, ports: desired[0]!.ports, endpoints: [] };
  const p1 = planSlices(desired, [same, stale], labels);
  assert.deepEqual([p1.create.length, p1.update.length, p1.delete.map((x) => x.metadata.name)], [0, 0, ['s2']]);
  const desired2 = renderSlices(s, [pod('a', '10.0.0.1', false)]);
  const p2 = planSlices(desired2, [same], labels);
  assert.equal(p2.update.length, 1);
  assert.equal(contentKey(p2.update[0]!.content), contentKey(desired2[0]!));
  const p3 = planSlices(desired, [], labels);
  assert.equal(p3.create.length, 1);
});
