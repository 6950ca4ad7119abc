// apiserver against real etcd: CRUD, conflicts, defaults, subresources, deletion semantics, bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually, req } from '../helpers/http.js';

let etcd: EtcdFixture;
let api: ApiServerFixture;
let u: string;

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', ports: [{ containerPort: 80 }] }], ...extra },
});

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  u = api.url;
});
after(async () => {
  await api?.stop();
  await etcd?.stop();
});

describe('bootstrap', () => {
  test('system namespaces, kubernetes service and priority classes exist', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const r = await req(u, 'GET', `/api/v1/namespaces/${ns}`);
      assert.equal(r.status, 200, ns);
      assert.equal(r.body.status.phase, 'Active');
    }
    const svc = await req(u, 'GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(svc.status, 200);
    assert.equal(svc.body.spec.clusterIP, '10.96.0.1');
    const pcs = await req(u, 'GET', '/apis/scheduling.k8s.io/v1/priorityclasses');
    assert.deepEqual(pcs.body.items.map((p: any) => p.metadata.name).sort(), ['system-cluster-critical', 'system-node-critical']);
  });
});

describe('pods CRUD', () => {
  test('create returns 201 with identity, defaults and Pending status', async () => {
    const r = await req(u, 'POST', '/api/v1/namespaces/default/pods', pod('p1'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const m = r.body.metadata;
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.match(m.resourceVersion, /^\d+$/);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.body.spec.restartPolicy, 'Always');
    assert.equal(r.body.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(r.body.spec.terminationGracePeriodSeconds, 30);
    assert.equal(r.body.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(r.body.spec.containers[0].ports[0].protocol, 'TCP');
    assert.equal(r.body.status.phase, 'Pending');
  });

  test('create of an existing name is 409 AlreadyExists', async () => {
    const r = await req(u, 'POST', '/api/v1/namespaces/default/pods', pod('p1'));
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'AlreadyExists');
    assert.equal(r.body.message, 'pods "p1" already exists');
  });

  test('get of a missing object is a NotFound Status', async () => {
    const r = await req(u, 'GET', '/api/v1/namespaces/default/pods/nope');
    assert.equal(r.status, 404);
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.message, 'pods "nope" not found');
    assert.equal(r.body.details.kind, 'pods');
  });

  test('update with a stale resourceVersion is 409 Conflict', async () => {
    const cur = (await req(u, 'GET', '/api/v1/namespaces/default/pods/p1')).body;
    cur.metadata.labels.v = '1';
    const ok = await req(u, 'PUT', '/api/v1/namespaces/default/pods/p1', cur);
    assert.equal(ok.status, 200);
    assert.notEqual(ok.body.metadata.resourceVersion, cur.metadata.resourceVersion);
    cur.metadata.labels.v = '2';
    const stale = await req(u, 'PUT', '/api/v1/namespaces/default/pods/p1', cur);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.match(stale.body.message, /^Operation cannot be fulfilled on pods "p1": the object has been modified/);
  });

  test('generateName creates distinct names', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await req(u, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' }, data: { a: 'b' } });
      assert.equal(r.status, 201);
      assert.match(r.body.metadata.name, /^gen-[a-z0-9]{5}$/);
      names.add(r.body.metadata.name);
    }
    assert.equal(names.size, 5);
  });

  test('invalid objects are 422 with field causes', async () => {
    const r = await req(u, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c' }] } });
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.details.kind, 'Pod');
    const fields = r.body.details.causes.map((c: any) => c.field);
    assert.ok(fields.includes('metadata.name'), JSON.stringify(fields));
    assert.ok(fields.includes('spec.containers[0].image'), JSON.stringify(fields));
  });

  test('creating in a missing namespace is refused', async () => {
    const r = await req(u, 'POST', '/api/v1/namespaces/nowhere/pods', pod('x'));
    assert.equal(r.status, 404);
    assert.equal(r.body.message, 'namespaces "nowhere" not found');
  });
});

describe('status subresource and generation', () => {
  const dep = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'd1' } }, template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
  };
  test('main writes ignore status; status writes only status; generation tracks spec', async () => {
    const c = await req(u, 'POST', '/apis/apps/v1/namespaces/default/deployments', { ...dep, status: { replicas: 9 } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.metadata.generation, 1);
    assert.equal(c.body.status?.replicas, undefined);
    const withStatus = { ...c.body, status: { replicas: 2, observedGeneration: 1 }, spec: { ...c.body.spec, replicas: 5 } };
    const s = await req(u, 'PUT', '/apis/apps/v1/namespaces/default/deployments/d1/status', withStatus);
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.equal(s.body.status.replicas, 2);
    assert.equal(s.body.spec.replicas, 2, 'status write must not change spec');
    assert.equal(s.body.metadata.generation, 1);
    const lbl = await req(u, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/d1', { metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(lbl.body.metadata.generation, 1, 'metadata change keeps generation');
    const sp = await req(u, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/d1', { spec: { replicas: 3 }, status: { replicas: 77 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(sp.body.metadata.generation, 2);
    assert.equal(sp.body.status.replicas, 2, 'main patch must not change status');
  });

  test('scale subresource reads and writes replicas', async () => {
    const g = await req(u, 'GET', '/apis/apps/v1/namespaces/default/deployments/d1/scale');
    assert.equal(g.status, 200);
    assert.deepEqual({ kind: g.body.kind, apiVersion: g.body.apiVersion, replicas: g.body.spec.replicas, selector: g.body.status.selector }, { kind: 'Scale', apiVersion: 'autoscaling/v1', replicas: 3, selector: 'app=d1' });
    const p = await req(u, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/d1/scale', { spec: { replicas: 7 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.spec.replicas, 7);
    const d = await req(u, 'GET', '/apis/apps/v1/namespaces/default/deployments/d1');
    assert.equal(d.body.spec.replicas, 7);
  });
});

describe('patch types', () => {
  test('json, merge and strategic patches; unknown patch type is 415; non-array json patch is 400', async () => {
    await req(u, 'POST', '/api/v1/namespaces/default/pods', pod('pp', { containers: [{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }] }));
    const j = await req(u, 'PATCH', '/api/v1/namespaces/default/pods/pp', [{ op: 'add', path: '/metadata/labels/j', value: '1' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(j.status, 200, JSON.stringify(j.body));
    assert.equal(j.body.metadata.labels.j, '1');
    const s = await req(u, 'PATCH', '/api/v1/namespaces/default/pods/pp', { spec: { containers: [{ name: 'b', image: 'i3' }] } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual(s.body.spec.containers.map((c: any) => [c.name, c.image]), [['a', 'i1'], ['b', 'i3']]);
    const bad = await req(u, 'PATCH', '/api/v1/namespaces/default/pods/pp', { a: 1 }, { 'Content-Type': 'application/json-patch+json' });
    assert.equal(bad.status, 400);
    const unk = await req(u, 'PATCH', '/api/v1/namespaces/default/pods/pp', { a: 1 }, { 'Content-Type': 'application/x-unknown' });
    assert.equal(unk.status, 415);
  });

  test('server-side apply creates when absent and updates when present', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const c = await req(u, 'PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=test', yaml, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.data.a, '1');
    const u2 = await req(u, 'PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=test', yaml.replace('"1"', '"2"'), { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(u2.status, 200);
    assert.equal(u2.body.data.a, '2');
  });
});

describe('deletion', () => {
  test('an unbound pod is deleted at once', async () => {
    await req(u, 'POST', '/api/v1/namespaces/default/pods', pod('gone'));
    const d = await req(u, 'DELETE', '/api/v1/namespaces/default/pods/gone', { propagationPolicy: 'Background' });
    assert.equal(d.status, 200);
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/default/pods/gone')).status, 404);
  });

  test('a bound pod gets deletionTimestamp and stays until deleted with grace 0', async () => {
    await req(u, 'POST', '/api/v1/namespaces/default/pods', pod('graceful'));
    const b = await req(u, 'POST', '/api/v1/namespaces/default/pods/graceful/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'graceful' }, target: { kind: 'Node', name: 'n1' } });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const again = await req(u, 'POST', '/api/v1/namespaces/default/pods/graceful/binding', { metadata: { name: 'graceful' }, target: { name: 'n2' } });
    assert.equal(again.status, 409);
    const d = await req(u, 'DELETE', '/api/v1/namespaces/default/pods/graceful');
    assert.equal(d.status, 200);
    assert.ok(d.body.metadata.deletionTimestamp);
    assert.equal(d.body.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/default/pods/graceful')).status, 200);
    await req(u, 'DELETE', '/api/v1/namespaces/default/pods/graceful', { gracePeriodSeconds: 0 });
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/default/pods/graceful')).status, 404);
  });

  test('finalizers hold an object until removed; propagationPolicy is recorded', async () => {
    await req(u, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fin', finalizers: ['example.com/x'] } });
    const d = await req(u, 'DELETE', '/api/v1/namespaces/default/configmaps/fin', { propagationPolicy: 'Foreground' });
    assert.equal(d.status, 200);
    assert.deepEqual(d.body.metadata.finalizers.sort(), ['example.com/x', 'foregroundDeletion']);
    const cur = (await req(u, 'GET', '/api/v1/namespaces/default/configmaps/fin')).body;
    assert.ok(cur.metadata.deletionTimestamp);
    await req(u, 'PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
  });

  test('a namespace goes Terminating, refuses new content, and goes once finalized', async () => {
    await req(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    const d = await req(u, 'DELETE', '/api/v1/namespaces/doomed');
    assert.equal(d.status, 200);
    const ns = (await req(u, 'GET', '/api/v1/namespaces/doomed')).body;
    assert.equal(ns.status.phase, 'Terminating');
    const c = await req(u, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'x' } });
    assert.equal(c.status, 403);
    assert.match(c.body.message, /because it is being terminated/);
    const f = await req(u, 'PUT', '/api/v1/namespaces/doomed/finalize', { metadata: { name: 'doomed' }, spec: { finalizers: [] } });
    assert.equal(f.status, 200, JSON.stringify(f.body));
    assert.equal((await req(u, 'GET', '/api/v1/namespaces/doomed')).status, 404);
    const sys = await req(u, 'DELETE', '/api/v1/namespaces/kube-system');
    assert.equal(sys.status, 403);
  });
});

describe('services', () => {
  test('cluster IPs and node ports are allocated, conflicts refused, released on delete', async () => {
    const a = await req(u, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'a' }, spec: { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }] } });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.match(a.body.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./);
    const np = a.body.spec.ports[0].nodePort;
    assert.ok(np >= 30000 && np <= 32767);
    assert.equal(a.body.spec.ports[0].targetPort, 80);
    const b = await req(u, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'b' }, spec: { clusterIP: a.body.spec.clusterIP, ports: [{ port: 80 }] } });
    assert.equal(b.status, 422);
    assert.match(b.body.message, /already allocated/);
    const c = await req(u, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'c' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: np }] } });
    assert.equal(c.status, 422);
    await req(u, 'DELETE', '/api/v1/namespaces/default/services/a');
    const d = await req(u, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'd' }, spec: { type: 'NodePort', clusterIP: a.body.spec.clusterIP, ports: [{ port: 80, nodePort: np }] } });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    const h = await req(u, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    assert.equal(h.body.spec.clusterIP, 'None');
  });
});

describe('lists, selectors and paging', () => {
  test('label and field selectors filter lists', async () => {
    await req(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'sel' } });
    for (let i = 0; i < 6; i++) {
      await req(u, 'POST', '/api/v1/namespaces/sel/pods', { metadata: { name: `s${i}`, labels: { tier: i % 2 ? 'odd' : 'even', i: String(i) } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    }
    const odd = await req(u, 'GET', '/api/v1/namespaces/sel/pods?labelSelector=' + encodeURIComponent('tier=odd'));
    assert.deepEqual(odd.body.items.map((p: any) => p.metadata.name), ['s1', 's3', 's5']);
    const notin = await req(u, 'GET', '/api/v1/namespaces/sel/pods?labelSelector=' + encodeURIComponent('i notin (0,1,2),tier!=odd'));
    assert.deepEqual(notin.body.items.map((p: any) => p.metadata.name), ['s4']);
    const byName = await req(u, 'GET', '/api/v1/namespaces/sel/pods?fieldSelector=' + encodeURIComponent('metadata.name=s2'));
    assert.deepEqual(byName.body.items.map((p: any) => p.metadata.name), ['s2']);
    const phase = await req(u, 'GET', '/api/v1/pods?fieldSelector=' + encodeURIComponent('status.phase=Pending,metadata.namespace=sel'));
    assert.equal(phase.body.items.length, 6);
    const bad = await req(u, 'GET', '/api/v1/pods?fieldSelector=' + encodeURIComponent('spec.nope=1'));
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /field label not supported: spec.nope/);
    const cached = await req(u, 'GET', '/api/v1/namespaces/sel/pods?resourceVersion=0&labelSelector=tier%3Deven');
    assert.deepEqual(cached.body.items.map((p: any) => p.metadata.name), ['s0', 's2', 's4']);
  });

  test('limit/continue pages through everything exactly once', async () => {
    await req(u, 'POST', '/api/v1/namespaces', { metadata: { name: 'page' } });
    for (let i = 0; i < 25; i++) await req(u, 'POST', '/api/v1/namespaces/page/configmaps', { metadata: { name: `cm-${String(i).padStart(2, '0')}` } });
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await req(u, 'GET', `/api/v1/namespaces/page/configmaps?limit=10${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...r.body.items.map((c: any) => c.metadata.name));
      cont = r.body.metadata.continue ?? '';
      pages++;
      if (pages === 1) await req(u, 'POST', '/api/v1/namespaces/page/configmaps', { metadata: { name: 'cm-99-late' } });
    } while (cont);
    assert.equal(pages, 3);
    assert.equal(seen.length, 25, 'a consistent snapshot: the late object is not in this list');
    assert.equal(new Set(seen).size, 25);
    const bad = await req(u, 'GET', '/api/v1/namespaces/page/configmaps?limit=10&continue=garbage');
    assert.equal(bad.status, 400);
  });
});

describe('bad input', () => {
  test('malformed JSON is 400, oversized body 413, wrong kind 400', async () => {
    const m = await req(u, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {', { 'Content-Type': 'application/json' });
    assert.equal(m.status, 400);
    assert.equal(m.body.kind, 'Status');
    const big = await req(u, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } }));
    assert.equal(big.status, 413);
    const wrong = await req(u, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'w' } });
    assert.equal(wrong.status, 400);
    const deep = await req(u, 'POST', '/api/v1/namespaces/default/configmaps', '['.repeat(10_000) + ']'.repeat(10_000));
    assert.equal(deep.status, 400);
    const yamlBomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n';
    const bomb = await req(u, 'PATCH', '/api/v1/namespaces/default/configmaps/bomb?fieldManager=t', yamlBomb, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(bomb.status, 400);
    const health = await req(u, 'GET', '/healthz');
    assert.equal(health.status, 200);
  });

  test('etcd down: requests get 503/504-class Status and the server keeps serving; it recovers', async () => {
    etcd.pause();
    try {
      const r = await req(u, 'GET', '/api/v1/namespaces/default/configmaps/anything');
      assert.ok(r.status >= 500, `status ${r.status}`);
      assert.equal(r.body.kind, 'Status');
      const live = await req(u, 'GET', '/livez');
      assert.equal(live.status, 200);
    } finally {
      etcd.resume();
    }
    await eventually(async () => (await req(u, 'GET', '/api/v1/namespaces/default')).status === 200, 30_000, 'recovery');
  });
});

describe('operations', () => {
  test('health, readiness, version, metrics and discovery endpoints', async () => {
    assert.equal((await req(u, 'GET', '/livez')).status, 200);
    assert.equal((await req(u, 'GET', '/readyz')).status, 200);
    const v = await req(u, 'GET', '/version');
    assert.equal(v.body.major, '1');
    const m = await req(u, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.body, /apiserver_request_total\{verb="get",resource="pods",code="200"\} \d+/);
    assert.match(m.body, /apiserver_request_duration_seconds_bucket/);
    assert.match(m.body, /etcd_request_duration_seconds_bucket\{le="[^"]+",operation="get"\}/);
    const agg = await req(u, 'GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.match(agg.headers.get('content-type') ?? '', /as=APIGroupDiscoveryList/);
    const apps = agg.body.items.find((g: any) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.ok(deploy.subresources.some((s: any) => s.subresource === 'scale' && s.responseKind.kind === 'Scale'));
    const legacy = await req(u, 'GET', '/api/v1');
    assert.ok(legacy.body.resources.some((r: any) => r.name === 'pods/log'));
  });

  test('pods/log answers a clear error while no kubelet serves the node', async () => {
    await req(u, 'POST', '/api/v1/namespaces/default/pods', pod('logless'));
    const unbound = await req(u, 'GET', '/api/v1/namespaces/default/pods/logless/log');
    assert.equal(unbound.status, 400);
    assert.match(unbound.body.message, /does not have a host assigned/);
    await req(u, 'POST', '/api/v1/namespaces/default/pods/logless/binding', { metadata: { name: 'logless' }, target: { name: 'ghost-node' } });
    const r = await req(u, 'GET', '/api/v1/namespaces/default/pods/logless/log');
    assert.equal(r.status, 503);
    assert.match(r.body.message, /no kubelet is reachable for node ghost-node/);
  });

  test('overload gets 429 with Retry-After while the server keeps serving', async () => {
    const small = await startApiServer({ etcd, maxRequestsInflight: 2, maxMutatingRequestsInflight: 2 });
    try {
      const rs = await Promise.all(Array.from({ length: 60 }, (_, i) => req(small.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `load-${i}` } })));
      const limited = rs.filter((r) => r.status === 429);
      assert.ok(limited.length > 0, 'some requests are refused');
      assert.equal(limited[0]!.headers.get('retry-after'), '1');
      assert.equal(limited[0]!.body.reason, 'TooManyRequests');
      assert.ok(rs.every((r) => r.status === 201 || r.status === 429));
      assert.equal((await req(small.url, 'GET', '/livez')).status, 200);
    } finally {
      await small.stop();
    }
  });
});
