// The CRI client against real containerd: version, image pull, a pod sandbox on the CNI bridge,
// a container's life cycle, its log file, exec. Everything it creates is removed, even on failure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import type { SandboxConfig } from '../../src/kubelet/cri/runtime-service.js';
import { CRI_ENDPOINT, ensureRuntime, type RuntimeFixture } from '../helpers/containerd.js';
import { eventually } from '../helpers/http.js';

const RUN = `kubets-e2e-${randomUUID().slice(0, 8)}`;
let runtime: RuntimeFixture;
let cri: CriClient;
let logDir: string;

before(async () => {
  runtime = await ensureRuntime();
  cri = new CriClient({ endpoint: CRI_ENDPOINT });
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-cri-logs-'));
});

after(async () => {
  // Remove every sandbox this run made (containers go with them).
  if (cri) {
    for (const s of await cri.listPodSandbox({ labels: { 'kubets.test/run': RUN } }).catch(() => [])) {
      await cri.stopPodSandbox(s.id).catch(() => {});
      await cri.removePodSandbox(s.id).catch(() => {});
    }
    cri.close();
  }
  await runtime?.stop();
  if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
});

test('version names containerd and CRI v1', async () => {
  const v = await cri.version();
  assert.equal(v.runtimeName, 'containerd');
  assert.equal(v.runtimeApiVersion, 'v1');
});

test('pull from the local registry, run a sandbox and a container, read its log, exec, stop, remove', async () => {
  const ref = await cri.pullImage('localhost:5000/busybox:v1');
  assert.match(ref, /^sha256:[0-9a-f]{64}$/);
  assert.ok(await cri.imageStatus('localhost:5000/busybox:v1'));
  const sandbox: SandboxConfig = {
    metadata: { name: 'cri-test', uid: randomUUID(), namespace: 'e2e', attempt: 0 },
    hostname: 'cri-test',
    logDirectory: logDir,
    dns: { servers: ['10.96.0.10'], searches: ['e2e.svc.cluster.local'], options: ['ndots:5'] },
    labels: { 'kubets.test/run': RUN },
  };
  const sid = await cri.runPodSandbox(sandbox);
  const st = await cri.podSandboxStatus(sid);
  assert.equal(st.state, 'SANDBOX_READY');
  assert.match(st.ip ?? '', /^10\.244\.0\.\d+$/, 'the CNI bridge gave the sandbox an address');
  const cid = await cri.createContainer(sid, {
    name: 'main', attempt: 0, image: 'localhost:5000/busybox:v1',
    command: ['sh', '-c', 'echo hello from $GREETING; cat /VERSION; exec sleep 300'],
    envs: [{ key: 'GREETING', value: 'kubets' }],
    logPath: 'main/0.log',
    labels: { 'kubets.test/run': RUN },
  }, sandbox);
  await cri.startContainer(cid);
  const running = await cri.containerStatus(cid);
  assert.equal(running.state, 'CONTAINER_RUNNING');
  assert.ok(running.startedAt > 0);
  const log = path.join(logDir, 'main', '0.log');
  await eventually(() => fs.existsSync(log) && /hello from kubets/.test(fs.readFileSync(log, 'utf8')), 10_000, 'container log');
  // CRI log lines: <RFC3339Nano> <stream> <P|F> <message>
  assert.match(fs.readFileSync(log, 'utf8'), /^\S+ stdout F hello from kubets$/m);
  const ex = await cri.execSync(cid, ['cat', '/etc/resolv.conf'], 10);
  assert.equal(ex.exitCode, 0);
  assert.match(ex.stdout.toString(), /nameserver 10\.96\.0\.10/);
  const listed = await cri.listContainers({ podSandboxId: sid });
  assert.deepEqual(listed.map((c) => c.name), ['main']);
  await cri.stopContainer(cid, 2);
  const stopped = await cri.containerStatus(cid);
  assert.equal(stopped.state, 'CONTAINER_EXITED');
  await cri.removeContainer(cid);
  await assert.rejects(cri.containerStatus(cid), (e: unknown) => (e as { code?: string }).code === 'NotFound');
  await cri.stopPodSandbox(sid);
  await cri.removePodSandbox(sid);
  assert.deepEqual(await cri.listPodSandbox({ id: sid }), []);
});
