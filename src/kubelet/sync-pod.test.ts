import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeRuntimeService } from './cri/fake-runtime.js';
import { syncPod, type SyncDeps } from './sync-pod.js';
import { FakeClock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';
import type { Pod } from '../api/types/index.js';
import type { RuntimePod } from './runtime-state.js';

function deps(rt: FakeRuntimeService, root: string, events: string[]): SyncDeps {
  return {
    runtime: rt, images: rt,
    objects: { configMap: async () => ({ metadata: { name: 'cfg' }, data: { k: 'v' } }), secret: async () => undefined },
    rootDir: root, logRoot: path.join(root, 'logs'), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostIP: '127.0.0.1',
    clock: new FakeClock(1_000_000), logger: silentLogger(), event: (_p, _t, reason) => events.push(reason), backoff: new Map(),
  };
}

async function view(rt: FakeRuntimeService, pod: Pod): Promise<RuntimePod> {
  const sandboxes = await rt.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': pod.metadata.uid! } });
  const cs = await rt.listContainers({ labels: { 'io.kubernetes.pod.uid': pod.metadata.uid! } });
  return { uid: pod.metadata.uid!, name: pod.metadata.name!, namespace: pod.metadata.namespace!, sandboxes, containers: await Promise.all(cs.map((c) => rt.containerStatus(c.id))) };
}

test('syncPod: sandbox, pull, init container first, then app containers; pull failure reported', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-sync-'));
  try {
    const rt = new FakeRuntimeService();
    const events: string[] = [];
    const d = deps(rt, root, events);
    const pod: Pod = { metadata: { name: 'p', namespace: 'd', uid: 'u1' }, spec: { initContainers: [{ name: 'init', image: 'img:1' }], containers: [{ name: 'app', image: 'img:1', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }] } };
    await syncPod(pod, undefined, d);
    assert.deepEqual(rt.calls, ['RunPodSandbox', 'PullImage img:1', 'CreateContainer init', 'StartContainer init']);
    const initId = [...rt.containers.values()][0]!.id;
    rt.exit(initId, 0);
    rt.calls.length = 0;
    await syncPod(pod, await view(rt, pod), d);
    assert.deepEqual(rt.calls, ['CreateContainer app', 'StartContainer app']);
    const app = [...rt.containers.values()].find((c) => c.config.name === 'app')!;
    assert.deepEqual(app.config.envs, [{ key: 'K', value: 'v' }]);
    assert.ok(events.includes('Pulled') && events.includes('Started'));
    rt.failPulls.add('bad:1');
    const bad: Pod = { metadata: { name: 'b', namespace: 'd', uid: 'u2' }, spec: { containers: [{ name: 'c', image: 'bad:1' }] } };
    const { waiting } = await syncPod(bad, undefined, d);
    assert.equal(waiting.c?.reason, 'ErrImagePull');
    // While the back-off runs the pull is not retried and the container waits in ImagePullBackOff.
    rt.calls.length = 0;
    events.length = 0;
    const again = await syncPod(bad, await view(rt, bad), d);
    assert.deepEqual(again.waiting.c, { reason: 'ImagePullBackOff', message: 'Back-off pulling image "bad:1"' });
    assert.ok(!rt.calls.some((c) => c.startsWith('PullImage')), rt.calls.join(','));
    assert.deepEqual(events, ['BackOff', 'Failed']);
    // Once it ends the pull is tried again (and fails again: ErrImagePull, a longer back-off).
    (d.clock as FakeClock).advance(10_001);
    const retry = await syncPod(bad, await view(rt, bad), d);
    assert.equal(retry.waiting.c?.reason, 'ErrImagePull');
    assert.ok(rt.calls.includes('PullImage bad:1'), rt.calls.join(','));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('syncPod: a crashed container waits in CrashLoopBackOff with a BackOff warning event', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-sync-'));
  try {
    const rt = new FakeRuntimeService();
    const events: string[] = [];
    const d = deps(rt, root, events);
    const pod: Pod = { metadata: { name: 'p', namespace: 'd', uid: 'u3' }, spec: { containers: [{ name: 'app', image: 'img:1' }] } };
    await syncPod(pod, undefined, d);
    rt.exit([...rt.containers.values()][0]!.id, 3);
    events.length = 0;
    const { waiting } = await syncPod(pod, await view(rt, pod), d);
    assert.equal(waiting.app?.reason, 'CrashLoopBackOff');
    assert.deepEqual(events, ['BackOff']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
