// Namespace and ServiceAccount controllers against a real etcd + apiserver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace, ServiceAccount } from '../../src/api/types/index.js';
import { isNotFound } from '../../src/client/interfaces.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';

let etcd: EtcdFixture | undefined;
let api: ApiServerFixture | undefined;
let cs: RestClientset;
const stop = new AbortController();
let running: Promise<void> | undefined;

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  cs = new RestClientset({ server: api.url });
  running = new ControllerManager({ clientset: cs, clock: realClock, logger: silentLogger(), controllers: 'namespace,serviceaccount' }).start(stop.signal);
});

after(async () => {
  stop.abort();
  await running?.catch(() => undefined);
  await api?.stop();
  await etcd?.stop();
});

test('a new namespace gets a default ServiceAccount; deleting it removes its content and then the namespace', async () => {
  const nss = cs.resource<Namespace>(R.namespaces);
  await nss.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
  await waitFor('default SA', async () => !!(await cs.resource<ServiceAccount>(R.serviceaccounts).get('doomed', 'default')));
  const cms = cs.resource<ConfigMap>(R.configmaps);
  for (let i = 0; i < 3; i++) await cms.create('doomed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${i}` }, data: { k: 'v' } });
  await nss.delete(undefined, 'doomed');
  await waitFor('namespace gone', async () => {
    try {
      await nss.get(undefined, 'doomed');
      return false;
    } catch (e) {
      return isNotFound(e);
    }
  });
  assert.equal((await cms.list('doomed')).items.length, 0);
});
