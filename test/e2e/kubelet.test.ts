// The kubelet end to end: real etcd + apiserver + containerd + `kubets kubelet`; pods bound by
// setting spec.nodeName (no scheduler). Every pod and sandbox is removed at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdFixture } from '../helpers/cluster.js';
import { startApiServerProcess, startKubets, type ApiProcFixture, type ProcFixture } from '../helpers/processes.js';
import { CRI_ENDPOINT, ensureRuntime, type RuntimeFixture } from '../helpers/containerd.js';
import { eventually, req } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import { freePort } from '../helpers/ports.js';

const NODE = `e2e-node-${randomUUID().slice(0, 6)}`;
const NS = 'kubelet-e2e';
let etcd: EtcdFixture;
let api: ApiProcFixture;
let runtime: RuntimeFixture;
let kubelet: ProcFixture;
let root: string;
let k: Kubectl;
let kubeletArgs: string[];

before(async () => {
  runtime = await ensureRuntime();
  etcd = await startEtcd();
  api = await startApiServerProcess(etcd.endpoint);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubelet-'));
  const port = await freePort();
  kubeletArgs = ['kubelet', '--kubeconfig', api.kubeconfig, '--node-name', NODE, '--container-runtime-endpoint', CRI_ENDPOINT, '--root-dir', root, '--port', String(port), '--node-ip', '127.0.0.1', '--pod-cidr', '10.244.0.0/24'];
  kubelet = startKubets(kubeletArgs, { KUBETS_LOG_LEVEL: 'warn' });
  await eventually(async () => (await req(api.url, 'GET', `/api/v1/nodes/${NODE}`)).status === 200, 30_000, `node registered: ${kubelet.output()}`);
  await req(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: NS } });
  k = new Kubectl(api.kubeconfig);
});

after(async () => {
  // Delete pods through the API (the kubelet tears them down), then stop everything.
  if (api) {
    const pods = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods`).catch(() => ({ body: { items: [] } }))).body.items ?? [];
    for (const p of pods) await req(api.url, 'DELETE', `/api/v1/namespaces/${NS}/pods/${p.metadata.name}`, { gracePeriodSeconds: 1 }).catch(() => {});
    await eventually(async () => ((await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods`)).body.items ?? []).length === 0, 30_000, 'pods gone').catch(() => {});
  }
  await kubelet?.stop();
  // Whatever is left of this node's pods in the runtime goes too.
  const cri = new CriClient({ endpoint: CRI_ENDPOINT });
  for (const s of await cri.listPodSandbox({ labels: { 'io.kubernetes.pod.namespace': NS } }).catch(() => [])) {
    await cri.stopPodSandbox(s.id).catch(() => {});
    await cri.removePodSandbox(s.id).catch(() => {});
  }
  cri.close();
  k?.cleanup();
  await api?.stop();
  await etcd?.stop();
  await runtime?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('the node is Ready with capacity, addresses and runtime info', async () => {
  const node = (await req(api.url, 'GET', `/api/v1/nodes/${NODE}`)).body;
  assert.equal(node.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  assert.match(node.status.capacity.cpu, /^\d+$/);
  assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
  await eventually(async () => (await req(api.url, 'GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`)).status === 200, 15_000, 'lease');
});

test('a pod runs, serves HTTP on its pod IP, sees its env/configMap/secret, logs through kubectl, and is deleted gracefully', async () => {
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'cfg' }, data: { greeting: 'hello', 'file.txt': 'from-configmap' } });
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'sec' }, stringData: { password: 's3cr3t' } });
  const pod = {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 2,
      containers: [{
        name: 'httpd', image: 'localhost:5000/busybox:v1',
        command: ['sh', '-c', 'echo "greeting=$GREETING pw=$PASSWORD pod=$POD"; cat /etc/cfg/file.txt; echo; exec httpd -f -p 8080 -h /var/www'],
        env: [
          { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'scratch', mountPath: '/scratch' }],
      }],
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch', emptyDir: {} }],
    },
  };
  const c = await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, pod);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const running = await eventually(async () => {
    const p = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/web`)).body;
    return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
  }, 60_000, 'pod Running');
  assert.match(running.status.podIP, /^10\.244\.0\.\d+$/);
  const cs = running.status.containerStatuses[0];
  assert.equal(cs.ready, true);
  assert.match(cs.containerID, /^containerd:\/\//);
  assert.equal(running.status.conditions.find((x: any) => x.type === 'Ready').status, 'True');
  const page = await eventually(async () => {
    const r = await fetch(`http://${running.status.podIP}:8080/index.html`).catch(() => undefined);
    return r?.ok ? r.text() : undefined;
  }, 15_000, 'httpd answers');
  assert.equal(page.trim(), 'v1');
  const logs = await eventually(async () => {
    const out = await k.run(['logs', 'web', '-n', NS]);
    return out.code === 0 && /greeting=hello pw=s3cr3t pod=web/.test(out.stdout) ? out.stdout : undefined;
  }, 15_000, 'kubectl logs');
  assert.match(logs, /from-configmap/);
  const events = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3Dweb`)).body.items.map((e: any) => e.reason);
  assert.ok(events.includes('Started'), JSON.stringify(events));
  const del = await k.run(['delete', 'pod', 'web', '-n', NS]);
  assert.equal(del.code, 0, del.stderr);
  assert.equal((await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/web`)).status, 404);
  const cri = new CriClient({ endpoint: CRI_ENDPOINT });
  try {
    await eventually(async () => (await cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': running.metadata.uid } })).length === 0, 15_000, 'sandbox removed');
  } finally {
    cri.close();
  }
});

test('a crashing container restarts with back-off and reports its restart count and last state', async () => {
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name: 'crash' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sh', '-c', 'echo bye; exit 3'] }] } });
  const p = await eventually(async () => {
    const pod = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/crash`)).body;
    const st = pod.status?.containerStatuses?.[0];
    return st && st.restartCount >= 1 && st.lastState?.terminated?.exitCode === 3 ? pod : undefined;
  }, 60_000, 'restart');
  const st = p.status.containerStatuses[0];
  assert.equal(p.status.phase, 'Running');
  assert.ok(st.state.waiting?.reason === 'CrashLoopBackOff' || st.state.running || st.state.terminated, JSON.stringify(st.state));
  // The table shows the restarts; between crashes the container may briefly be running (1/1).
  const table = await k.ok(['get', 'pod', 'crash', '-n', NS]);
  assert.match(table, /crash\s+[01]\/1\s+(CrashLoopBackOff|Error|Completed|Running)\s+[1-9]\d* \(\d+s ago\)/);
});

test('a pod with restartPolicy Never that exits 0 Succeeds', async () => {
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name: 'once' }, spec: { nodeName: NODE, restartPolicy: 'Never', containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sh', '-c', 'echo done'] }] } });
  const p = await eventually(async () => {
    const pod = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/once`)).body;
    return pod.status?.phase === 'Succeeded' ? pod : undefined;
  }, 60_000, 'Succeeded');
  assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 0);
  assert.equal(p.status.containerStatuses[0].state.terminated.reason, 'Completed');
});

test('readiness probe drives Ready; a failing liveness probe restarts the container', async () => {
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, {
    metadata: { name: 'probed' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'c', image: 'localhost:5000/busybox:v1',
        command: ['sh', '-c', 'touch /tmp/alive; sleep 4; touch /tmp/ready; sleep 4; rm /tmp/alive; exec sleep 3600'],
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
        livenessProbe: { exec: { command: ['test', '-f', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2 },
      }],
    },
  });
  const readyOf = (p: any) => p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status;
  const notReadyWhileRunning = await eventually(async () => {
    const p = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/probed`)).body;
    return p.status?.phase === 'Running' ? p : undefined;
  }, 60_000, 'Running');
  assert.equal(readyOf(notReadyWhileRunning), 'False', 'not ready before the probe passes');
  await eventually(async () => readyOf((await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/probed`)).body) === 'True', 30_000, 'Ready');
  const restarted = await eventually(async () => {
    const p = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/probed`)).body;
    return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
  }, 60_000, 'liveness restart');
  assert.ok(restarted);
  const reasons = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3Dprobed`)).body.items.map((e: any) => e.reason);
  assert.ok(reasons.includes('Unhealthy') && reasons.includes('Killing'), JSON.stringify(reasons));
});

test('a restarted kubelet adopts running containers, and cleans up pods deleted while it was down', async () => {
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name: 'steady' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sleep', '3600'] }] } });
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name: 'doomed' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sleep', '3600'] }] } });
  const running = async (name: string) => (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/${name}`)).body;
  const before = await eventually(async () => {
    const p = await running('steady');
    return p.status?.phase === 'Running' && (await running('doomed')).status?.phase === 'Running' ? p : undefined;
  }, 60_000, 'both Running');
  const doomedUid = (await running('doomed')).metadata.uid;
  await kubelet.stop();
  // While the kubelet is down: force-delete one pod straight from the API.
  await req(api.url, 'DELETE', `/api/v1/namespaces/${NS}/pods/doomed`, { gracePeriodSeconds: 0 });
  kubelet = startKubets(kubeletArgs, { KUBETS_LOG_LEVEL: 'warn' });
  const cri = new CriClient({ endpoint: CRI_ENDPOINT });
  try {
    await eventually(async () => (await cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': doomedUid } })).length === 0, 30_000, 'orphan removed');
    await new Promise((r) => setTimeout(r, 3000));
    const after = await running('steady');
    assert.equal(after.status.containerStatuses[0].containerID, before.status.containerStatuses[0].containerID, 'same container');
    assert.equal(after.status.containerStatuses[0].restartCount, 0);
    assert.equal(after.status.phase, 'Running');
  } finally {
    cri.close();
  }
});

test('a status rewritten by someone else (pods marked NotReady as the node lifecycle controller does) is restored by the kubelet', async () => {
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name: 'marked' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sleep', '3600'] }] } });
  const readyOf = (p: any) => p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status;
  const pod = await eventually(async () => {
    const p = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/marked`)).body;
    return readyOf(p) === 'True' ? p : undefined;
  }, 60_000, 'Ready');
  const conditions = pod.status.conditions.map((c: any) => (c.type === 'Ready' ? { ...c, status: 'False', reason: 'NodeNotReady' } : c));
  const put = await req(api.url, 'PUT', `/api/v1/namespaces/${NS}/pods/marked/status`, { ...pod, status: { ...pod.status, conditions } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(readyOf(put.body), 'False');
  await eventually(async () => readyOf((await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/marked`)).body) === 'True', 40_000, 'Ready again');
});
