// Controllers against a real etcd + apiserver, no kubelet (test/helpers/pod-status.ts plays its part).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, EndpointSlice, Endpoints, Pod, ReplicaSet, Service } from '../../src/api/types/index.js';
import { R } from '../../src/client/resources.js';
import { markAllReady, setPodReady } from '../helpers/pod-status.js';
import { startControllerCluster, type ControllerCluster } from '../helpers/controller-cluster.js';
import { waitFor } from '../helpers/wait.js';

let cluster: ControllerCluster | undefined;
let cs: ControllerCluster['cs'];
const ns = 'default';

const podsOf = async (sel: string) => (await cs.resource<Pod>(R.pods).list(ns, { labelSelector: sel })).items.filter((p) => !p.metadata.deletionTimestamp);

before(async () => {
  cluster = await startControllerCluster({ controllers: 'replicaset,deployment,endpoint,endpointslice' });
  cs = cluster.cs;
});

after(async () => {
  await cluster?.stop();
});

const template = (app: string, image: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
});

test('ReplicaSet scales up and down with exactly the requested pods', async () => {
  const rss = cs.resource<ReplicaSet>(R.replicasets);
  await rss.create(ns, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs1' }, spec: { replicas: 5, selector: { matchLabels: { app: 'rs1' } }, template: template('rs1', 'img:1') } });
  await waitFor('5 pods', async () => (await podsOf('app=rs1')).length === 5);
  await markAllReady(cs, ns, 'app=rs1');
  const rs = await waitFor('status', async () => {
    const r = await rss.get(ns, 'rs1');
    return r.status?.readyReplicas === 5 && r.status.availableReplicas === 5 && r;
  });
  assert.equal(rs.status!.replicas, 5);
  await rss.patch(ns, 'rs1', 'merge', { spec: { replicas: 2 } });
  await waitFor('2 pods', async () => (await podsOf('app=rs1')).length === 2);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await podsOf('app=rs1')).length, 2);
  for (const p of await podsOf('app=rs1')) assert.equal(p.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid);
});

test('Deployment rolls out a new template within surge/unavailable bounds and records revisions', async () => {
  const ds = cs.resource<Deployment>(R.deployments);
  await ds.create(ns, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template('web', 'img:1'), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } },
  });
  const ready = async () => {
    await markAllReady(cs, ns, 'app=web');
    const d = await ds.get(ns, 'web');
    return (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && d.status?.updatedReplicas === 4 && d.status.availableReplicas === 4 && d.status.replicas === 4 && d;
  };
  const d1 = await waitFor('first rollout', ready);
  assert.equal(d1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(d1.status!.conditions?.find((c) => c.type === 'Available')?.status, 'True');
  await ds.patch(ns, 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2', ports: [{ name: 'http', containerPort: 8080 }] }] } } } });
  // Drive the rollout and check the bounds at every observation.
  let maxPods = 0;
  let minReady = Infinity;
  const d2 = await waitFor('second rollout', async () => {
    const pods = await podsOf('app=web');
    maxPods = Math.max(maxPods, pods.length);
    minReady = Math.min(minReady, pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
    const d = await ready();
    return d && d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' && (await podsOf('app=web')).length === 4 && d;
  }, 60_000);
  assert.ok(maxPods <= 5, `never more than replicas+maxSurge pods (saw ${maxPods})`);
  assert.ok(minReady >= 3, `never fewer than replicas-maxUnavailable ready (saw ${minReady})`);
  assert.equal(d2.status!.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
  const rsList = (await cs.resource<ReplicaSet>(R.replicasets).list(ns, { labelSelector: 'app=web' })).items;
  assert.equal(rsList.length, 2);
  const revs = rsList.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revs, ['1', '2']);
  for (const p of await podsOf('app=web')) assert.equal(p.spec.containers[0]!.image, 'img:2');
});

test('Endpoints and EndpointSlices follow pod readiness and named ports', async () => {
  const rss = cs.resource<ReplicaSet>(R.replicasets);
  await rss.create(ns, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'ep' }, spec: { replicas: 2, selector: { matchLabels: { app: 'ep' } }, template: template('ep', 'img:1') } });
  await cs.resource<Service>(R.services).create(ns, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ep' }, spec: { selector: { app: 'ep' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });
  const pods = await waitFor('2 pods', async () => {
    const p = await podsOf('app=ep');
    return p.length === 2 && p;
  });
  await setPodReady(cs, ns, pods[0]!.metadata.name!, true);
  await setPodReady(cs, ns, pods[1]!.metadata.name!, false);
  const ep = await waitFor('endpoints', async () => {
    const e = await cs.resource<Endpoints>(R.endpoints).get(ns, 'ep');
    const s = e.subsets?.[0];
    return s?.addresses?.length === 1 && s.notReadyAddresses?.length === 1 && e;
  });
  assert.equal(ep.subsets![0]!.ports![0]!.port, 8080);
  const slice = await waitFor('slice', async () => {
    const l = (await cs.resource<EndpointSlice>(R.endpointslices).list(ns, { labelSelector: 'kubernetes.io/service-name=ep' })).items;
    return l.length === 1 && l[0]!.endpoints.length === 2 && l[0];
  });
  assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.deepEqual(slice.endpoints.map((e) => e.conditions?.ready).sort(), [false, true]);
  await setPodReady(cs, ns, pods[1]!.metadata.name!, true);
  await waitFor('both ready', async () => {
    const e = await cs.resource<Endpoints>(R.endpoints).get(ns, 'ep');
    return e.subsets?.[0]?.addresses?.length === 2 && !e.subsets[0].notReadyAddresses;
  });
});

test('rollback to the first template reuses its ReplicaSet with a new revision and a revision history', async () => {
  const ds = cs.resource<Deployment>(R.deployments);
  // What `kubectl rollout undo` does client-side: put the old RS's template back.
  await ds.patch(ns, 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:1', ports: [{ name: 'http', containerPort: 8080 }] }] } } } });
  const d = await waitFor('rollback', async () => {
    await markAllReady(cs, ns, 'app=web');
    const x = await ds.get(ns, 'web');
    return x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' && x.status?.updatedReplicas === 4 && x.status.availableReplicas === 4 && x.status.replicas === 4 && x;
  }, 60_000);
  const rsList = (await cs.resource<ReplicaSet>(R.replicasets).list(ns, { labelSelector: 'app=web' })).items;
  assert.equal(rsList.length, 2, 'no third ReplicaSet');
  const back = rsList.find((r) => r.spec.template?.spec.containers[0]!.image === 'img:1')!;
  assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(back.spec.replicas, 4);
  assert.ok(d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));
});
