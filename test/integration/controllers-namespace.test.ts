// Namespace and ServiceAccount controllers against a real etcd + apiserver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace, ServiceAccount } from '../../src/api/types/index.js';
import { isNotFound } from '../../src/client/interfaces.js';
import { R } from '../../src/client/resources.js';
import { startControllerCluster, type ControllerCluster } from '../helpers/controller-cluster.js';
import { waitFor } from '../helpers/wait.js';

let cluster: ControllerCluster | undefined;
let cs: ControllerCluster['cs'];

before(async () => {
  cluster = await startControllerCluster({ controllers: 'namespace,serviceaccount' });
  cs = cluster.cs;
});

after(async () => {
  await cluster?.stop();
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
