// events.k8s.io/v1 and core/v1 Events are one stored object with two views: whatever is written
// through one API is read, listed, watched and patched through the other, and the real kubectl
// (`get events`, `events`) shows events from our recorder and from the events.k8s.io API alike.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types/index.js';
import { EventRecorder } from '../../src/client/events.js';
import { RestClientset } from '../../src/client/rest.js';
import type { ApiServerFixture } from '../helpers/cluster.js';
import { req, WatchStream } from '../helpers/http.js';
import type { Kubectl } from '../helpers/kubectl.js';
import { startKubectlCluster, type KubectlCluster } from '../helpers/kubectl-cluster.js';

let cluster: KubectlCluster;
let api: ApiServerFixture;
let kubectl: Kubectl;

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'pod-uid-1', resourceVersion: '5' } };

function newApiEvent(name: string, note: string): Record<string, unknown> {
  return {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name, namespace: 'default' },
    eventTime: '2026-12-01T00:00:00.000001Z', reportingController: 'example.com/ctl', reportingInstance: 'ctl-0',
    action: 'Reconcile', reason: 'Synced', note, type: 'Normal',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'pod-uid-1', apiVersion: 'v1' },
  };
}

before(async () => {
  cluster = await startKubectlCluster();
  ({ api, kubectl } = cluster);
});
after(async () => {
  await cluster?.stop();
});

describe('events.k8s.io/v1 over core/v1 Event storage', () => {
  test('an event our recorder writes (core/v1) reads, lists and patches as events.k8s.io/v1', async () => {
    const recorder = new EventRecorder({ clientset: new RestClientset({ server: api.url }), component: 'kubelet', host: 'node-a', correlate: false });
    await recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    const core = await req(api.url, 'GET', `${CORE}?fieldSelector=involvedObject.name%3Dweb,reason%3DBackOff`);
    assert.equal(core.status, 200);
    assert.equal(core.body.items.length, 1);
    const name = core.body.items[0].metadata.name;

    const got = await req(api.url, 'GET', `${V1}/${name}`);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.apiVersion, 'events.k8s.io/v1');
    assert.equal(got.body.note, 'Back-off restarting failed container');
    assert.equal(got.body.regarding.uid, 'pod-uid-1');
    assert.equal(got.body.reportingController, 'kubelet');
    assert.deepEqual(got.body.deprecatedSource, { component: 'kubelet', host: 'node-a' });
    assert.equal(got.body.deprecatedCount, 1);
    assert.equal(got.body.message, undefined);
    assert.equal(got.body.involvedObject, undefined);
    assert.equal(got.body.metadata.resourceVersion, core.body.items[0].metadata.resourceVersion);

    const list = await req(api.url, 'GET', `${V1}?fieldSelector=regarding.name%3Dweb,type%3DWarning`);
    assert.equal(list.status, 200);
    assert.equal(list.body.kind, 'EventList');
    assert.equal(list.body.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(list.body.items.map((e: any) => [e.apiVersion, e.metadata.name, e.note]), [['events.k8s.io/v1', name, 'Back-off restarting failed container']]);

    const patched = await req(api.url, 'PATCH', `${V1}/${name}`, { note: 'patched through events.k8s.io', deprecatedCount: 4 }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.note, 'patched through events.k8s.io');
    const after = await req(api.url, 'GET', `${CORE}/${name}`);
    assert.equal(after.body.message, 'patched through events.k8s.io');
    assert.equal(after.body.count, 4);
    assert.equal(after.body.note, undefined);
  });

  test('an event created through events.k8s.io/v1 reads as core/v1', async () => {
    const created = await req(api.url, 'POST', V1, newApiEvent('ctl-synced', 'synced web'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.apiVersion, 'events.k8s.io/v1');
    assert.equal(created.body.regarding.name, 'web');
    const core = await req(api.url, 'GET', `${CORE}/ctl-synced`);
    assert.equal(core.status, 200);
    assert.equal(core.body.apiVersion, 'v1');
    assert.equal(core.body.message, 'synced web');
    assert.equal(core.body.involvedObject.name, 'web');
    assert.equal(core.body.reportingComponent, 'example.com/ctl');
    assert.equal(core.body.eventTime, '2026-12-01T00:00:00.000001Z');
    assert.equal(core.body.metadata.uid, created.body.metadata.uid);

    const put = await req(api.url, 'PUT', `${V1}/ctl-synced`, { ...created.body, note: 'replaced' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal((await req(api.url, 'GET', `${CORE}/ctl-synced`)).body.message, 'replaced');
  });

  test('watches of either API see writes through the other', async () => {
    const rv = (await req(api.url, 'GET', CORE)).body.metadata.resourceVersion;
    const v1Watch = new WatchStream(`${api.url}${V1}?watch=true&resourceVersion=${rv}&fieldSelector=regarding.name%3Dweb`);
    const coreWatch = new WatchStream(`${api.url}${CORE}?watch=true&resourceVersion=${rv}`);
    try {
      const recorder = new EventRecorder({ clientset: new RestClientset({ server: api.url }), component: 'controller-manager', correlate: false });
      await recorder.event(pod, 'Normal', 'Started', 'started container a');
      assert.equal((await req(api.url, 'POST', V1, newApiEvent('ctl-watched', 'seen by the core watch'))).status, 201);
      await v1Watch.until((f) => f.some((x) => x.object.note === 'started container a'));
      await coreWatch.until((f) => f.some((x) => x.object.message === 'seen by the core watch'));
      const v1Frame = v1Watch.frames.find((x) => x.object.note === 'started container a')!;
      assert.equal(v1Frame.type, 'ADDED');
      assert.equal(v1Frame.object.apiVersion, 'events.k8s.io/v1');
      assert.equal(v1Frame.object.regarding.name, 'web');
      const coreFrame = coreWatch.frames.find((x) => x.object.message === 'seen by the core watch')!;
      assert.equal(coreFrame.object.apiVersion, 'v1');
      assert.equal(coreFrame.object.involvedObject.name, 'web');
      // The core watch's cached frames stay core-shaped after a view watcher serialized the same event.
      assert.ok(coreWatch.frames.every((x) => x.object.apiVersion === 'v1' && x.object.note === undefined));
    } finally {
      v1Watch.stop();
      coreWatch.stop();
    }
  });

  test('errors name events.events.k8s.io; the new API keeps its own create rules and field labels', async () => {
    const missing = await req(api.url, 'GET', `${V1}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'events.events.k8s.io "nope" not found');
    assert.equal(missing.body.details.group, 'events.k8s.io');
    const dup = await req(api.url, 'POST', V1, newApiEvent('ctl-synced', 'again'));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.message, 'events.events.k8s.io "ctl-synced" already exists');
    const bad = newApiEvent('no-controller', 'x');
    delete bad.reportingController;
    const invalid = await req(api.url, 'POST', V1, bad);
    assert.equal(invalid.status, 422, JSON.stringify(invalid.body));
    assert.match(invalid.body.message, /^Event\.events\.k8s\.io "no-controller" is invalid: reportingController: Required value/);
    const label = await req(api.url, 'GET', `${V1}?fieldSelector=involvedObject.name%3Dweb`);
    assert.equal(label.status, 400);
    assert.equal(label.body.message, 'field label not supported: involvedObject.name');
  });

  test('kubectl get events and kubectl events show events written through either API', async () => {
    const get = await kubectl.ok(['get', 'events', '-n', 'default']);
    assert.match(get, /BackOff/);
    assert.match(get, /replaced/);
    assert.match(get, /pod\/web/);
    const table = await kubectl.ok(['get', 'events.events.k8s.io', '-n', 'default']);
    assert.match(table, /LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    assert.match(table, /Warning\s+BackOff\s+pod\/web/);
    const getV1 = await kubectl.ok(['get', 'events.events.k8s.io', '-n', 'default', '-o', 'jsonpath={range .items[*]}{.note}{"\\n"}{end}']);
    assert.match(getV1, /patched through events\.k8s\.io/);
    assert.match(getV1, /started container a/);
    const events = await kubectl.ok(['events', '-n', 'default', '--for', 'pod/web']);
    assert.match(events, /Synced/);
    assert.match(events, /BackOff/);
    assert.match(events, /replaced/);
  });
});
