import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Node, Pod, Service } from '../../api/types/index.js';
import { StatusError } from '../errors.js';
import { nodeTarget, podTarget, proxiedPath, serviceTarget, splitSchemeNamePort } from './proxy-target.js';

test('splitSchemeNamePort: upstream [scheme:]name[:port]', () => {
  const cases: [string, ReturnType<typeof splitSchemeNamePort>][] = [
    ['web', { scheme: '', name: 'web', port: '' }],
    ['web:80', { scheme: '', name: 'web', port: '80' }],
    ['web:http', { scheme: '', name: 'web', port: 'http' }],
    ['web:', { scheme: '', name: 'web', port: '' }],
    ['https:web:443', { scheme: 'https', name: 'web', port: '443' }],
    ['http:web:', { scheme: 'http', name: 'web', port: '' }],
    ['ftp:web:21', undefined],
    [':80', undefined],
    ['a:b:c:d', undefined],
    ['', undefined],
  ];
  for (const [id, want] of cases) assert.deepEqual(splitSchemeNamePort(id), want, id);
});

test('proxiedPath: the raw path after the proxy segment', () => {
  const cases: [string, string | undefined][] = [
    ['/api/v1/namespaces/default/services/web:80/proxy/', '/'],
    ['/api/v1/namespaces/default/services/web:80/proxy', '/'],
    ['/api/v1/namespaces/default/pods/p/proxy/a/b%2Fc/', '/a/b%2Fc/'],
    ['/api/v1/nodes/n1/proxy/stats/summary', '/stats/summary'],
    ['/api/v1/nodes/n1/proxy/proxy/x', '/proxy/x'],
    ['/api/v1/namespaces/default/pods/p/log', undefined],
    ['/api/v1/namespaces/default/configmaps/c/proxy/x', undefined],
    ['/apis/apps/v1/namespaces/default/deployments/d/proxy/x', undefined],
  ];
  for (const [p, want] of cases) assert.equal(proxiedPath(p), want, p);
});

const pod = (ip: string | undefined, ports: { name?: string; containerPort: number }[][]): Pod =>
  ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: ports.map((p, i) => ({ name: `c${i}`, image: 'i', ports: p })) }, status: ip ? { podIP: ip } : {} }) as unknown as Pod;

test('podTarget: asked port, named container port, first declared port, else 80', () => {
  const cases: [Pod, string, { scheme: string; host: string; port: number } | number][] = [
    [pod('10.0.0.5', [[], [{ containerPort: 8080 }]]), 'p', { scheme: 'http', host: '10.0.0.5', port: 8080 }],
    [pod('10.0.0.5', [[]]), 'p', { scheme: 'http', host: '10.0.0.5', port: 80 }],
    [pod('10.0.0.5', [[{ name: 'metrics', containerPort: 9090 }]]), 'p:metrics', { scheme: 'http', host: '10.0.0.5', port: 9090 }],
    [pod('10.0.0.5', [[{ containerPort: 8080 }]]), 'https:p:8443', { scheme: 'https', host: '10.0.0.5', port: 8443 }],
    [pod('10.0.0.5', [[]]), 'p:nope', 400],
    [pod(undefined, [[]]), 'p', 400],
  ];
  for (const [p, id, want] of cases) {
    if (typeof want === 'number') assert.throws(() => podTarget(p, splitSchemeNamePort(id)!), (e: unknown) => e instanceof StatusError && e.code === want, id);
    else assert.deepEqual(podTarget(p, splitSchemeNamePort(id)!), want, id);
  }
});

const svc = (ports: { name?: string; port: number }[]): Service => ({ metadata: { name: 'web', namespace: 'default' }, spec: { ports } }) as unknown as Service;
const slice = (ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[], endpoints: { addresses: string[]; ready?: boolean }[]): EndpointSlice =>
  ({ metadata: { name: 's' }, addressType: 'IPv4', ports, endpoints: endpoints.map((e) => ({ addresses: e.addresses, conditions: e.ready === undefined ? {} : { ready: e.ready } })) }) as unknown as EndpointSlice;

test('serviceTarget: port by number or name, ready endpoints only, 503 when none', () => {
  const two = svc([{ name: 'http', port: 80 }, { name: 'metrics', port: 9000 }]);
  const slices = [slice([{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }], [{ addresses: ['10.1.0.1'], ready: false }, { addresses: ['10.1.0.2'] }])];
  const cases: [Service, EndpointSlice[], string, { scheme: string; host: string; port: number } | number][] = [
    [two, slices, 'web:80', { scheme: 'http', host: '10.1.0.2', port: 8080 }],
    [two, slices, 'web:metrics', { scheme: 'http', host: '10.1.0.2', port: 9100 }],
    [two, slices, 'https:web:9000', { scheme: 'https', host: '10.1.0.2', port: 9100 }],
    [two, slices, 'web:81', 503],
    [two, slices, 'web', 503],
    [svc([{ port: 80 }]), [slice([{ port: 8080 }], [{ addresses: ['10.1.0.3'], ready: true }])], 'web', { scheme: 'http', host: '10.1.0.3', port: 8080 }],
    [svc([{ port: 80 }]), [slice([{ port: 8080, protocol: 'UDP' }], [{ addresses: ['10.1.0.3'] }])], 'web:80', 503],
    [svc([{ port: 80 }]), [slice([{ port: 8080 }], [{ addresses: ['10.1.0.3'], ready: false }])], 'web:80', 503],
  ];
  for (const [s, sl, id, want] of cases) {
    if (typeof want === 'number') assert.throws(() => serviceTarget(s, sl, splitSchemeNamePort(id)!, () => 0), (e: unknown) => e instanceof StatusError && e.code === want, id);
    else assert.deepEqual(serviceTarget(s, sl, splitSchemeNamePort(id)!, () => 0), want, id);
  }
  const many = [slice([{ port: 8080 }], [{ addresses: ['10.1.0.1'] }, { addresses: ['10.1.0.2'] }, { addresses: ['10.1.0.3'] }])];
  assert.equal(serviceTarget(svc([{ port: 80 }]), many, splitSchemeNamePort('web:80')!, () => 0.99).host, '10.1.0.3');
});

test('nodeTarget: the kubelet by default, another port without the kubelet credentials', () => {
  const node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.5' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } } as unknown as Node;
  assert.deepEqual(nodeTarget(node, splitSchemeNamePort('n1')!, true), { scheme: 'https', host: '192.168.1.5', port: 10250, kubelet: true });
  assert.deepEqual(nodeTarget(node, splitSchemeNamePort('n1:10250')!, false), { scheme: 'http', host: '192.168.1.5', port: 10250, kubelet: true });
  assert.deepEqual(nodeTarget(node, splitSchemeNamePort('n1:9100')!, true), { scheme: 'http', host: '192.168.1.5', port: 9100 });
  assert.throws(() => nodeTarget({ metadata: { name: 'n2' } } as Node, splitSchemeNamePort('n2')!, true), (e: unknown) => e instanceof StatusError && e.code === 503);
});
