// root-ca-cert-publisher and the ResourceQuota controller against real etcd + apiserver, with
// ServiceAccount admission on (as in a real cluster): a new namespace gets `default` and
// `kube-root-ca.crt` (so pods are admitted), the CA is put back after tampering, and quota usage
// goes back down after deletes so the next pod fits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace, Pod, ResourceQuota } from '../../src/api/types/index.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
let etcd: EtcdFixture | undefined;
let api: ApiServerFixture | undefined;
let cs: RestClientset;
const stop = new AbortController();
let running: Promise<void> | undefined;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd, disableAdmissionPlugins: [] });
  cs = new RestClientset({ server: api.url });
  running = new ControllerManager({ clientset: cs, clock: realClock, logger: silentLogger(), controllers: 'namespace,serviceaccount,root-ca-cert-publisher,resourcequota', rootCA: CA }).start(stop.signal);
});

after(async () => {
  stop.abort();
  await running?.catch(() => undefined);
  await api?.stop();
  await etcd?.stop();
});

const pod = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'i' }] } });

test('every namespace gets kube-root-ca.crt with the CA; tampering is undone; pods are admitted', async () => {
  await cs.resource<Namespace>(R.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ca1' } });
  const cms = cs.resource<ConfigMap>(R.configmaps);
  const cm = await eventually(() => cms.get('ca1', 'kube-root-ca.crt').catch(() => undefined), 30_000, 'kube-root-ca.crt');
  assert.deepEqual(cm.data, { 'ca.crt': CA });
  assert.match(cm.metadata.annotations?.['kubernetes.io/description'] ?? '', /CA bundle/);
  await cms.update('ca1', { ...cm, data: { 'ca.crt': 'evil' } });
  await eventually(async () => (await cms.get('ca1', 'kube-root-ca.crt')).data?.['ca.crt'] === CA, 30_000, 'CA restored');
  await cms.delete('ca1', 'kube-root-ca.crt');
  await eventually(() => cms.get('ca1', 'kube-root-ca.crt').catch(() => undefined), 30_000, 'CA recreated');
  // the ServiceAccount controller made `default`, so pods get in (with the projected volume)
  const p = await eventually(() => cs.resource<Pod>(R.pods).create('ca1', pod('p')).catch(() => undefined), 30_000, 'pod admitted');
  assert.ok(p.spec.volumes?.some((v) => v.name.startsWith('kube-api-access-')));
  // the system namespaces get it too
  await eventually(() => cms.get('kube-system', 'kube-root-ca.crt').catch(() => undefined), 30_000, 'kube-system CA');
});

test('quota usage is recounted after deletes: a freed slot admits the next pod', async () => {
  await cs.resource<Namespace>(R.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'q1' } });
  const quotas = cs.resource<ResourceQuota>(R.resourcequotas);
  await quotas.create('q1', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '2', 'count/configmaps': '5' } } });
  const q0 = await eventually(async () => (await quotas.get('q1', 'q')).status?.used, 30_000, 'status filled by the controller');
  assert.equal(q0.pods, '0');
  const pods = cs.resource<Pod>(R.pods);
  await eventually(() => pods.create('q1', pod('a')).catch(() => undefined), 30_000, 'first pod (default SA)');
  await pods.create('q1', pod('b'));
  await assert.rejects(pods.create('q1', pod('c')), /exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
  await pods.delete('q1', 'a', { gracePeriodSeconds: 0 });
  await eventually(async () => (await quotas.get('q1', 'q')).status?.used?.pods === '1', 30_000, 'usage back to 1');
  await pods.create('q1', pod('c'));
  assert.equal((await quotas.get('q1', 'q')).status?.used?.pods, '2');
});
