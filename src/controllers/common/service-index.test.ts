import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from '../../api/types/index.js';
import type { Informer, IndexFunc } from '../../client/cache/interfaces.js';
import { IndexedStore } from '../../client/cache/store.js';
import { makePod } from './testing.js';
import { indexServicesAndPods, podsOfService, servicesOfPod } from './service-index.js';

const svc = (name: string, selector?: Record<string, string>, namespace = 'default'): Service =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector } });

/** An informer that is only its store (the index helpers need nothing else). */
function storeInformer<T extends Pod | Service>(items: T[]): { inf: Informer<T>; store: IndexedStore<T> } {
  const store = new IndexedStore<T>();
  for (const o of items) store.upsert(o);
  const inf = { store, addIndexer: (n: string, fn: IndexFunc<T>) => store.addIndexer(n, fn) } as unknown as Informer<T>;
  return { inf, store };
}

function fixture() {
  const pods = storeInformer<Pod>([
    makePod({ name: 'a1', labels: { app: 'a', tier: 'web' } }),
    makePod({ name: 'a2', labels: { app: 'a', tier: 'db' } }),
    makePod({ name: 'b1', labels: { app: 'b' } }),
    makePod({ name: 'other-ns', namespace: 'other', labels: { app: 'a', tier: 'web' } }),
    makePod({ name: 'unlabelled' }),
  ]);
  const services = storeInformer<Service>([
    svc('all-a', { app: 'a' }), svc('a-web', { app: 'a', tier: 'web' }), svc('b', { app: 'b' }),
    svc('none', {}), svc('nil'), svc('other-a', { app: 'a' }, 'other'),
  ]);
  indexServicesAndPods(services.inf, pods.inf);
  return { pods: pods.store, services: services.store };
}

test('podsOfService: the selector matched within the namespace; no or empty selector selects nothing', () => {
  const { pods, services } = fixture();
  const names = (s: string, ns = 'default') => podsOfService(pods, services.get(`${ns}/${s}`)!).map((p) => p.metadata.name).sort();
  const cases: [string, string, string[]][] = [
    ['all-a', 'default', ['a1', 'a2']], ['a-web', 'default', ['a1']], ['b', 'default', ['b1']],
    ['none', 'default', []], ['nil', 'default', []], ['other-a', 'other', ['other-ns']],
  ];
  for (const [s, ns, want] of cases) assert.deepEqual(names(s, ns), want, s);
});

test('servicesOfPod: every service of the namespace whose whole selector the pod carries', () => {
  const { pods, services } = fixture();
  const names = (p: string, ns = 'default') => servicesOfPod(services, pods.get(`${ns}/${p}`)!).map((s) => s.metadata.name).sort();
  const cases: [string, string, string[]][] = [
    ['a1', 'default', ['a-web', 'all-a']], ['a2', 'default', ['all-a']], ['b1', 'default', ['b']],
    ['unlabelled', 'default', []], ['other-ns', 'other', ['other-a']],
  ];
  for (const [p, ns, want] of cases) assert.deepEqual(names(p, ns), want, p);
});

test('the indexes follow label and selector changes', () => {
  const { pods, services } = fixture();
  pods.upsert(makePod({ name: 'b1', labels: { app: 'a', tier: 'web' } }));
  services.upsert(svc('b', { tier: 'db' }));
  assert.deepEqual(podsOfService(pods, services.get('default/a-web')!).map((p) => p.metadata.name).sort(), ['a1', 'b1']);
  assert.deepEqual(podsOfService(pods, services.get('default/b')!).map((p) => p.metadata.name), ['a2']);
  assert.deepEqual(servicesOfPod(services, pods.get('default/a2')!).map((s) => s.metadata.name).sort(), ['all-a', 'b']);
});
