// Watch semantics against real etcd: ordering under concurrent writers, resume across an
// apiserver restart, 410 Expired after compaction, selectors, bookmarks, timeouts; and two
// apiservers on one etcd allocating cluster IPs concurrently.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { req, WatchStream } from '../helpers/http.js';

let etcd: EtcdFixture;
let api: ApiServerFixture;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServer({ etcd });
  await req(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'w' } });
});
after(async () => {
  await api?.stop();
  await etcd?.stop();
});

const cm = (name: string, v: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, data: { v } });

describe('watch', () => {
  test('events arrive in order, none lost or duplicated, under concurrent writers', async () => {
    const list = await req(api.url, 'GET', '/api/v1/namespaces/w/configmaps');
    const rv = list.body.metadata.resourceVersion;
    const w = new WatchStream(`${api.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}`);
    try {
      const writers = 5;
      const perWriter = 30;
      await Promise.all(
        Array.from({ length: writers }, async (_, k) => {
          await req(api.url, 'POST', '/api/v1/namespaces/w/configmaps', cm(`c${k}`, '0'));
          for (let i = 1; i < perWriter; i++) {
            const r = await req(api.url, 'PATCH', `/api/v1/namespaces/w/configmaps/c${k}`, { data: { v: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
            assert.equal(r.status, 200);
          }
        }),
      );
      await w.until((f) => f.length >= writers * perWriter, 20_000);
      const rvs = w.frames.map((f) => Number(f.object.metadata.resourceVersion));
      assert.equal(w.frames.length, writers * perWriter);
      for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, `out of order at ${i}`);
      for (let k = 0; k < writers; k++) {
        const mine = w.frames.filter((f) => f.object.metadata.name === `c${k}`);
        assert.equal(mine[0]!.type, 'ADDED');
        assert.deepEqual(mine.map((f) => f.object.data.v), Array.from({ length: perWriter }, (_, i) => String(i)));
      }
    } finally {
      w.stop();
    }
  });

  test('resourceVersion=0 starts with ADDED for current objects; selectors turn leaving into DELETED', async () => {
    await req(api.url, 'POST', '/api/v1/namespaces/w/configmaps', cm('sel-a', '1', { team: 'x' }));
    const w = new WatchStream(`${api.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=0&labelSelector=team%3Dx`);
    try {
      await w.until((f) => f.some((e) => e.object.metadata.name === 'sel-a'));
      assert.ok(w.frames.every((f) => f.type === 'ADDED'));
      await req(api.url, 'PATCH', '/api/v1/namespaces/w/configmaps/sel-a', { metadata: { labels: { team: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' });
      await w.until((f) => f.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'sel-a'));
      await req(api.url, 'PATCH', '/api/v1/namespaces/w/configmaps/sel-a', { metadata: { labels: { team: 'x' } } }, { 'Content-Type': 'application/merge-patch+json' });
      await w.until((f) => f.filter((e) => e.type === 'ADDED' && e.object.metadata.name === 'sel-a').length === 2);
    } finally {
      w.stop();
    }
  });

  test('timeoutSeconds ends the stream cleanly; bookmarks carry a resourceVersion', async () => {
    const w = new WatchStream(`${api.url}/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1`);
    await w.until(() => w.closed, 5000);
    assert.equal(w.status, 200);
  });

  test('a watch from a compacted version gets an ERROR 410 Expired frame, then the stream closes', async () => {
    const first = await req(api.url, 'POST', '/api/v1/namespaces/w/configmaps', cm('old', '0'));
    const oldRV = Number(first.body.metadata.resourceVersion);
    for (let i = 0; i < 5; i++) await req(api.url, 'PATCH', '/api/v1/namespaces/w/configmaps/old', { data: { v: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
    const latest = Number((await req(api.url, 'GET', '/api/v1/namespaces/w/configmaps/old')).body.metadata.resourceVersion);
    execFileSync('etcdctl', ['--endpoints', etcd.endpoint, 'compaction', String(latest)], { env: { ...process.env, ETCDCTL_API: '3' } });
    // A fresh apiserver has no window older than its start, so the watch falls through to etcd, which has compacted.
    const fresh = await startApiServer({ etcd });
    try {
      const w = new WatchStream(`${fresh.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${oldRV}`);
      await w.until(() => w.closed, 10_000);
      assert.equal(w.frames.length, 1, JSON.stringify(w.frames));
      assert.equal(w.frames[0]!.type, 'ERROR');
      assert.equal(w.frames[0]!.object.code, 410);
      assert.equal(w.frames[0]!.object.reason, 'Expired');
    } finally {
      await fresh.stop();
    }
  });
});

describe('apiserver restart', () => {
  test('a client resuming from its last version after a restart loses nothing and sees nothing twice', async () => {
    const other = await startApiServer({ etcd });
    const list = await req(api.url, 'GET', '/api/v1/namespaces/w/configmaps');
    const w1 = new WatchStream(`${other.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    for (let i = 0; i < 10; i++) await req(api.url, 'POST', '/api/v1/namespaces/w/configmaps', cm(`r${i}`, '0'));
    await w1.until((f) => f.length >= 10);
    const last = w1.frames[w1.frames.length - 1]!.object.metadata.resourceVersion;
    await other.stop();
    await w1.until(() => w1.closed, 5000);
    // Writes while that apiserver is down.
    for (let i = 10; i < 20; i++) await req(api.url, 'POST', '/api/v1/namespaces/w/configmaps', cm(`r${i}`, '0'));
    const restarted = await startApiServer({ etcd });
    try {
      const w2 = new WatchStream(`${restarted.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${last}`);
      for (let i = 20; i < 25; i++) await req(restarted.url, 'POST', '/api/v1/namespaces/w/configmaps', cm(`r${i}`, '0'));
      await w2.until((f) => f.length >= 15, 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const names = [...w1.frames, ...w2.frames].map((f) => f.object.metadata.name);
      assert.deepEqual(names, Array.from({ length: 25 }, (_, i) => `r${i}`));
      w2.stop();
    } finally {
      await restarted.stop();
    }
  });
});

describe('two apiservers on one etcd', () => {
  test('concurrent service creation never hands out the same cluster IP or node port', async () => {
    const a = await startApiServer({ etcd, serviceClusterIPRange: '10.200.0.0/26', serviceNodePortRange: '31000-31100' });
    const b = await startApiServer({ etcd, serviceClusterIPRange: '10.200.0.0/26', serviceNodePortRange: '31000-31100' });
    try {
      await req(a.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'race' } });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          req((i % 2 ? a : b).url, 'POST', '/api/v1/namespaces/race/services', { metadata: { name: `s${i}` }, spec: { type: 'NodePort', ports: [{ port: 80 }] } }),
        ),
      );
      for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
      const ips = results.map((r) => r.body.spec.clusterIP);
      const ports = results.map((r) => r.body.spec.ports[0].nodePort);
      assert.equal(new Set(ips).size, 40, 'duplicate cluster IP');
      assert.equal(new Set(ports).size, 40, 'duplicate node port');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
