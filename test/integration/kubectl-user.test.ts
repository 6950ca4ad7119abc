// What an ordinary user types, with the real kubectl against a real etcd + apiserver: the
// regressions found by the acceptance pass (sorting tables by non-metadata fields, server-side
// apply conflicts with earlier kubectl writes, verbose health checks, ...).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { req } from '../helpers/http.js';
import { RestClientset } from '../../src/client/rest.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { Kubectl } from '../helpers/kubectl.js';

let etcd: EtcdFixture | undefined;
let api: ApiServerFixture | undefined;
let kubectl: Kubectl;
let tmp: string | undefined;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubectl-user-'));
  const kubeconfig = path.join(tmp, 'kubeconfig');
  fs.writeFileSync(kubeconfig, renderKubeconfig({ server: api.url }));
  kubectl = new Kubectl(kubeconfig);
});

after(async () => {
  kubectl?.cleanup();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  await api?.stop();
  await etcd?.stop();
});

/** Writes `text` to a file in the test's temp dir and returns its path. */
function file(name: string, text: string): string {
  const p = path.join(tmp!, name);
  fs.writeFileSync(p, text);
  return p;
}

test('get events -A --sort-by=.lastTimestamp lists events (Table rows embed the full object with includeObject=Object)', async () => {
  for (const [name, ts] of [['b', '2026-01-01T00:00:02Z'], ['a', '2026-01-01T00:00:01Z']] as const) {
    const ev = {
      apiVersion: 'v1', kind: 'Event', metadata: { name: `pod-x.${name}`, namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'pod-x', namespace: 'default' }, reason: `Reason-${name}`, message: 'm', type: 'Normal',
      firstTimestamp: ts, lastTimestamp: ts, count: 1, source: { component: 'test' },
    };
    assert.equal((await req(api!.url, 'POST', '/api/v1/namespaces/default/events', ev)).status, 201);
  }
  const out = await kubectl.ok(['get', 'events', '-A', '--sort-by=.lastTimestamp']);
  const reasons = out.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)[3]);
  assert.deepEqual(reasons, ['Reason-a', 'Reason-b'], out);
  const one = await req(api!.url, 'GET', '/api/v1/namespaces/default/events/pod-x.a?includeObject=Object', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  assert.equal(one.body.rows[0].object.kind, 'Event');
  assert.equal(one.body.rows[0].object.reason, 'Reason-a');
  const none = await req(api!.url, 'GET', '/api/v1/namespaces/default/events?includeObject=None', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  assert.equal(none.body.rows[0].object, undefined);
});

test('apply --server-side conflicts with a field kubectl patch changed, until --force-conflicts', async () => {
  const cm = file('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {k: from-ssa}\n');
  assert.match(await kubectl.ok(['apply', '--server-side', '-f', cm]), /serverside-applied/);
  await kubectl.ok(['patch', 'cm', 'ssa', '--type=merge', '-p', '{"data":{"k":"from-patch"}}']);
  const conflict = await kubectl.run(['apply', '--server-side', '-f', cm]);
  assert.equal(conflict.code, 1, conflict.stdout);
  assert.match(conflict.stderr, /conflict with "kubectl-patch" using v1: \.data\.k/);
  assert.equal(await kubectl.ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.k}']), 'from-patch');
  await kubectl.ok(['apply', '--server-side', '--force-conflicts', '-f', cm]);
  assert.equal(await kubectl.ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.k}']), 'from-ssa');
  // An object made by `kubectl create` is owned by kubectl-create: applying another value conflicts too.
  await kubectl.ok(['create', 'configmap', 'made', '--from-literal=k=created']);
  const made = file('made.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made}\ndata: {k: applied}\n');
  const r = await kubectl.run(['apply', '--server-side', '-f', made]);
  assert.match(r.stderr, /conflict with "kubectl-create"/);
  // A PUT without managedFields keeps them (kubectl replace), so ownership survives it.
  const live = JSON.parse(await kubectl.ok(['get', 'cm', 'made', '-o', 'json']));
  delete live.metadata.managedFields;
  live.data.other = 'x';
  await kubectl.ok(['replace', '-f', file('made.json', JSON.stringify(live))]);
  const mf = JSON.parse(await kubectl.ok(['get', 'cm', 'made', '-o', 'json', '--show-managed-fields'])).metadata.managedFields as Array<{ manager: string }>;
  assert.deepEqual(mf.map((e) => e.manager).sort(), ['kubectl-create', 'kubectl-replace']);
});

test('get --raw /readyz?verbose lists the checks; /readyz/etcd answers one', async () => {
  const verbose = await kubectl.ok(['get', '--raw', '/readyz?verbose']);
  assert.match(verbose, /^\[\+\]ping ok$/m);
  assert.match(verbose, /^\[\+\]etcd ok$/m);
  assert.match(verbose, /^readyz check passed$/m);
  assert.equal(await kubectl.ok(['get', '--raw', '/readyz/etcd']), 'ok');
  assert.equal(await kubectl.ok(['get', '--raw', '/livez']), 'ok');
});

test('events from the controller-manager name their controller in kubectl describe (From: deployment-controller)', async () => {
  const stop = new AbortController();
  const mgr = new ControllerManager({ clientset: new RestClientset({ server: api!.url }), clock: realClock, logger: silentLogger(), controllers: 'deployment,replicaset' });
  const running = mgr.start(stop.signal);
  try {
    await kubectl.ok(['create', 'deployment', 'named', '--image=img', '--replicas=1']);
    const deadline = Date.now() + 30_000;
    let out = '';
    while (Date.now() < deadline) {
      out = await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.kind=Deployment,involvedObject.name=named', '-o', 'jsonpath={.items[*].source.component}']);
      if (out) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(out, 'deployment-controller');
    assert.match(await kubectl.ok(['describe', 'deployment', 'named']), /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set/);
  } finally {
    stop.abort();
    await running.catch(() => undefined);
  }
});
