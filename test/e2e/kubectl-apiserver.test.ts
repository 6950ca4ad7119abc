// The real kubectl against `kubets apiserver` (a real process) over real etcd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdFixture } from '../helpers/cluster.js';
import { startApiServerProcess, type ApiProcFixture } from '../helpers/processes.js';
import { Kubectl } from '../helpers/kubectl.js';
import { eventually, req } from '../helpers/http.js';

let etcd: EtcdFixture;
let api: ApiProcFixture;
let k: Kubectl;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServerProcess(etcd.endpoint);
  k = new Kubectl(api.kubeconfig);
  // Manifests go as JSON; typed generators (`create namespace`, …) send protobuf, covered in kubectl-generators.test.ts.
  await k.ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: e2e\n');
});
after(async () => {
  k?.cleanup();
  await api?.stop();
  await etcd?.stop();
});

const deployment = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: e2e
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: httpd
        image: ${image}
        ports:
        - containerPort: 80
        env:
        - {name: A, value: "1"}
`;

const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: e2e
  labels: {app: solo}
spec:
  containers:
  - name: c
    image: localhost:5000/busybox:v1
    command: ["sleep", "3600"]
`;

describe('kubectl basics', () => {
  test('version shows the server version', async () => {
    const out = await k.ok(['version']);
    assert.match(out, /Server Version: v1\.32\.0-kubets/);
  });

  test('api-resources lists every served resource with short names', async () => {
    const out = await k.ok(['api-resources']);
    for (const re of [/^pods\s+po\s+v1\s+true\s+Pod$/m, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^nodes\s+no\s+v1\s+false\s+Node$/m, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m, /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m, /^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m]) {
      assert.match(out, re);
    }
  });

  test('create, get (table, wide, yaml, -A), describe, label', async () => {
    assert.match(await k.ok(['create', '-f', '-'], pod('solo')), /pod\/solo created/);
    const table = await k.ok(['get', 'pods', '-n', 'e2e']);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(table, /^solo\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = await k.ok(['get', 'po', '-n', 'e2e', '-o', 'wide']);
    assert.match(wide, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    const yaml = await k.ok(['get', 'pod', 'solo', '-n', 'e2e', '-o', 'yaml']);
    assert.match(yaml, /^kind: Pod$/m);
    assert.match(yaml, /^ {2}uid: /m);
    const all = await k.ok(['get', 'pods', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+READY/m);
    assert.match(all, /^e2e\s+solo\s+/m);
    const desc = await k.ok(['describe', 'pod', 'solo', '-n', 'e2e']);
    assert.match(desc, /^Name:\s+solo$/m);
    assert.match(desc, /^Namespace:\s+e2e$/m);
    assert.match(await k.ok(['label', 'pod', 'solo', '-n', 'e2e', 'tier=back']), /pod\/solo labeled/);
    assert.match(await k.ok(['get', 'pods', '-n', 'e2e', '-l', 'tier=back', '-o', 'name']), /^pod\/solo$/m);
  });

  test('apply client-side twice, then a change, then server-side', async () => {
    assert.match(await k.ok(['apply', '-f', '-'], deployment('img:v1')), /deployment.apps\/web created/);
    assert.match(await k.ok(['apply', '-f', '-'], deployment('img:v1')), /deployment.apps\/web unchanged/);
    assert.match(await k.ok(['apply', '-f', '-'], deployment('img:v2').replace('- {name: A, value: "1"}', '- {name: B, value: "2"}')), /deployment.apps\/web configured/);
    const d = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', 'e2e', '-o', 'json']));
    assert.equal(d.spec.template.spec.containers[0].image, 'img:v2');
    assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'B', value: '2' }]);
    assert.equal(d.metadata.generation, 2);
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: e2e\ndata:\n  k: v\n';
    assert.match(await k.ok(['apply', '--server-side', '-f', '-'], cm), /configmap\/ssa serverside-applied/);
    assert.match(await k.ok(['apply', '--server-side', '-f', '-'], cm.replace('k: v', 'k: w')), /configmap\/ssa serverside-applied/);
    assert.equal((await k.ok(['get', 'cm', 'ssa', '-n', 'e2e', '-o', 'jsonpath={.data.k}'])).trim(), 'w');
  });

  test('scale and patch (strategic, merge, json)', async () => {
    assert.match(await k.ok(['scale', 'deployment', 'web', '-n', 'e2e', '--replicas=3']), /deployment.apps\/web scaled/);
    assert.equal((await k.ok(['get', 'deploy', 'web', '-n', 'e2e', '-o', 'jsonpath={.spec.replicas}'])).trim(), '3');
    await k.ok(['patch', 'deploy', 'web', '-n', 'e2e', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"httpd","image":"img:v3"}]}}}}']);
    await k.ok(['patch', 'deploy', 'web', '-n', 'e2e', '--type=merge', '-p', '{"metadata":{"annotations":{"m":"1"}}}']);
    await k.ok(['patch', 'deploy', 'web', '-n', 'e2e', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    const d = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', 'e2e', '-o', 'json']));
    assert.equal(d.spec.template.spec.containers[0].image, 'img:v3');
    assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80, 'strategic merge keeps other fields');
    assert.equal(d.metadata.annotations.m, '1');
    assert.equal(d.spec.replicas, 4);
    const table = await k.ok(['get', 'deploy', '-n', 'e2e']);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
  });

  test('get -w streams changes', async () => {
    const w = k.spawn(['get', 'configmaps', '-n', 'e2e', '-w']);
    try {
      await eventually(() => /ssa/.test(w.output()), 10_000, 'initial list');
      await k.ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n  namespace: e2e\ndata:\n  a: b\n');
      await eventually(() => /^watched\s+1\s+/m.test(w.output()), 10_000, 'watched line');
    } finally {
      w.stop();
    }
  });

  test('delete waits until a graceful pod is gone', async () => {
    await k.ok(['create', '-f', '-'], pod('slow'));
    const b = await req(api.url, 'POST', '/api/v1/namespaces/e2e/pods/slow/binding', { metadata: { name: 'slow' }, target: { name: 'node-x' } });
    assert.equal(b.status, 201);
    const del = k.run(['delete', 'pod', 'slow', '-n', 'e2e']);
    // Stand in for the kubelet: once marked, finish the deletion.
    await eventually(async () => (await req(api.url, 'GET', '/api/v1/namespaces/e2e/pods/slow')).body.metadata?.deletionTimestamp, 10_000, 'deletionTimestamp');
    await new Promise((r) => setTimeout(r, 500));
    await req(api.url, 'DELETE', '/api/v1/namespaces/e2e/pods/slow', { gracePeriodSeconds: 0 });
    const r = await del;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod "slow" deleted/);
  });

  test('errors print as upstream prints them', async () => {
    const nf = await k.run(['get', 'pod', 'nope', '-n', 'e2e']);
    assert.notEqual(nf.code, 0);
    assert.match(nf.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    const dup = await k.run(['create', '-f', '-'], pod('solo'));
    assert.match(dup.stderr, /Error from server \(AlreadyExists\).*pods "solo" already exists/);
    const bad = await k.run(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  namespace: e2e\nspec:\n  containers:\n  - name: c\n');
    assert.match(bad.stderr, /The Pod "bad" is invalid: spec.containers\[0\].image: Required value/);
    const unknown = await k.run(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\n  namespace: e2e\nbogus: 1\n');
    assert.match(unknown.stderr, /unknown field "bogus"/);
  });
});
