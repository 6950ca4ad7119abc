// The kubelet end to end, container lifecycle: postStart/preStop hooks, OOMKilled, init containers
// in order (and failing ones), and `kubectl logs -f`. Real etcd + apiserver + containerd + kubelet;
// pods bound by spec.nodeName. Everything is removed at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { eventually, req } from '../helpers/http.js';
import { startKubeletNode, type KubeletNode } from '../helpers/kubelet-node.js';

const NS = 'kubelet-e2e-lifecycle';
const IMAGE = 'localhost:5000/busybox:v1';
let n: KubeletNode;

before(async () => {
  n = await startKubeletNode(NS);
});

after(async () => {
  await n?.stop();
});

async function create(pod: any): Promise<any> {
  const r = await req(n.api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { ...pod, spec: { nodeName: n.node, terminationGracePeriodSeconds: 1, ...pod.spec } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

test('postStart runs after start, preStop runs before the container is stopped on delete', async () => {
  const dir = path.join(n.root, 'hooks');
  fs.mkdirSync(dir, { mode: 0o777 });
  const log = path.join(dir, 'log');
  await create({
    metadata: { name: 'hooks' },
    spec: {
      terminationGracePeriodSeconds: 10,
      containers: [{
        name: 'c', image: IMAGE,
        command: ['sh', '-c', 'echo main >> /h/log; trap "echo term >> /h/log; exit 0" TERM; while true; do sleep 1; done'],
        volumeMounts: [{ name: 'h', mountPath: '/h' }],
        lifecycle: {
          postStart: { exec: { command: ['sh', '-c', 'echo post >> /h/log'] } },
          preStop: { exec: { command: ['sh', '-c', 'echo pre >> /h/log'] } },
        },
      }],
      volumes: [{ name: 'h', hostPath: { path: dir } }],
    },
  });
  await eventually(async () => (await n.pod('hooks')).status?.phase === 'Running', 60_000, 'Running');
  assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n').sort(), ['main', 'post']);
  const del = await n.k.run(['delete', 'pod', 'hooks', '-n', NS]);
  assert.equal(del.code, 0, del.stderr);
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(lines.slice(2), ['pre', 'term'], 'preStop before SIGTERM');
});

test('a failing postStart hook kills the container with a FailedPostStartHook event, and it restarts', async () => {
  await create({
    metadata: { name: 'badhook' },
    spec: { containers: [{ name: 'c', image: IMAGE, command: ['sleep', '3600'], lifecycle: { postStart: { httpGet: { port: 1, path: '/nothing' } } } }] },
  });
  const ev = await eventually(async () => (await n.events('badhook')).find((e) => e.reason === 'FailedPostStartHook'), 60_000, 'FailedPostStartHook event');
  assert.equal(ev.type, 'Warning');
  assert.match(ev.message, /HTTP lifecycle hook \(\/nothing\) for Container "c" in Pod "badhook_/);
  const p = await eventually(async () => {
    const pod = await n.pod('badhook');
    return (pod.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? pod : undefined;
  }, 60_000, 'restarted after the failed hook');
  assert.ok(p.status.containerStatuses[0].lastState.terminated, JSON.stringify(p.status.containerStatuses[0]));
});

test('a container that exceeds its memory limit is OOMKilled', async () => {
  await create({
    metadata: { name: 'oom' },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'x=$(head -c 209715200 /dev/zero | tr "\\0" a); echo survived'], resources: { limits: { memory: '32Mi' } } }],
    },
  });
  const p = await eventually(async () => {
    const pod = await n.pod('oom');
    return pod.status?.phase === 'Failed' ? pod : undefined;
  }, 60_000, 'Failed');
  const t = p.status.containerStatuses[0].state.terminated;
  assert.equal(t.reason, 'OOMKilled', JSON.stringify(t));
  assert.equal(t.exitCode, 137);
  const table = await n.k.ok(['get', 'pod', 'oom', '-n', NS]);
  assert.match(table, /oom\s+0\/1\s+OOMKilled/);
});

test('init containers run one after another before the app container', async () => {
  const dir = path.join(n.root, 'init');
  fs.mkdirSync(dir, { mode: 0o777 });
  await create({
    metadata: { name: 'init' },
    spec: {
      initContainers: ['a', 'b', 'c'].map((x) => ({ name: `init-${x}`, image: IMAGE, command: ['sh', '-c', `sleep 1; echo ${x} >> /h/order`], volumeMounts: [{ name: 'h', mountPath: '/h' }] })),
      containers: [{ name: 'app', image: IMAGE, command: ['sh', '-c', 'echo app >> /h/order; exec sleep 3600'], volumeMounts: [{ name: 'h', mountPath: '/h' }] }],
      volumes: [{ name: 'h', hostPath: { path: dir } }],
    },
  });
  const seen = new Set<string>();
  const p = await eventually(async () => {
    const pod = await n.pod('init');
    seen.add(`${pod.status?.phase}/${pod.status?.conditions?.find((c: any) => c.type === 'Initialized')?.status}`);
    return pod.status?.phase === 'Running' ? pod : undefined;
  }, 60_000, 'Running');
  assert.ok(seen.has('Pending/False'), [...seen].join(','));
  assert.deepEqual(fs.readFileSync(path.join(dir, 'order'), 'utf8').trim().split('\n'), ['a', 'b', 'c', 'app']);
  assert.equal(p.status.conditions.find((c: any) => c.type === 'Initialized').status, 'True');
  assert.deepEqual(p.status.initContainerStatuses.map((s: any) => s.state.terminated?.reason), ['Completed', 'Completed', 'Completed']);
});

test('a failing init container fails a Never pod, and is retried with back-off under Always', async () => {
  const spec = (policy: string) => ({
    restartPolicy: policy,
    initContainers: [{ name: 'bad', image: IMAGE, command: ['sh', '-c', 'exit 7'] }, { name: 'never', image: IMAGE, command: ['true'] }],
    containers: [{ name: 'app', image: IMAGE, command: ['sleep', '3600'] }],
  });
  await create({ metadata: { name: 'initfail-never' }, spec: spec('Never') });
  await create({ metadata: { name: 'initfail-always' }, spec: spec('Always') });
  const never = await eventually(async () => {
    const pod = await n.pod('initfail-never');
    return pod.status?.phase === 'Failed' ? pod : undefined;
  }, 60_000, 'Never pod Failed');
  assert.equal(never.status.initContainerStatuses[0].state.terminated.exitCode, 7);
  assert.ok(!never.status.initContainerStatuses[1].state.terminated && !never.status.initContainerStatuses[1].state.running);
  assert.ok(!never.status.containerStatuses[0].state.running);
  const always = await eventually(async () => {
    const pod = await n.pod('initfail-always');
    return (pod.status?.initContainerStatuses?.[0]?.restartCount ?? 0) >= 1 ? pod : undefined;
  }, 60_000, 'init container restarted');
  assert.equal(always.status.phase, 'Pending');
  assert.equal(always.status.conditions.find((c: any) => c.type === 'Initialized').status, 'False');
  assert.ok(!always.status.containerStatuses[0].state.running);
  const table = await n.k.ok(['get', 'pod', 'initfail-always', '-n', NS]);
  assert.match(table, /Init:(Error|CrashLoopBackOff|0\/2)/);
});

test('kubectl logs -f follows the stream and ends when the container exits', async () => {
  await create({ metadata: { name: 'follow' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo line-$i; sleep 1; done'] }] } });
  await eventually(async () => (await n.pod('follow')).status?.phase === 'Running', 60_000, 'Running');
  const f = n.k.spawn(['logs', '-f', 'follow', '-n', NS]);
  try {
    const early = await eventually(() => (/line-1/.test(f.output()) ? f.output() : undefined), 30_000, 'first line');
    assert.doesNotMatch(early, /line-6/, 'stream opened before the end');
    const code = await new Promise<number | null>((resolve) => (f.proc.exitCode !== null ? resolve(f.proc.exitCode) : f.proc.once('exit', (c) => resolve(c))));
    assert.equal(code, 0, f.output());
    assert.deepEqual(f.output().trim().split('\n'), ['line-1', 'line-2', 'line-3', 'line-4', 'line-5', 'line-6']);
  } finally {
    f.stop();
  }
});

test('garbage collection keeps the current and one dead instance per container, and removes emptied sandboxes', async () => {
  const crash = await create({ metadata: { name: 'gc-crash' }, spec: { containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'echo attempt; exit 1'] }] } });
  const steady = await create({ metadata: { name: 'gc-sandbox' }, spec: { containers: [{ name: 'c', image: IMAGE, command: ['sleep', '3600'] }] } });
  const containersOf = async (uid: string) => (await n.cri.listContainers({ labels: { 'io.kubernetes.pod.uid': uid } })).map((c) => c.attempt).sort();
  const sandboxesOf = async (uid: string) => (await n.cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': uid } })).map((s) => s.metadata.attempt).sort();
  // The sandbox pod: its sandbox dies twice; the kubelet makes new ones.
  const killSandbox = async (attempt: number) => {
    // Its container (attempt N, after the crash back-off) runs in sandbox N.
    await eventually(async () => {
      const st = (await n.pod('gc-sandbox')).status?.containerStatuses?.[0];
      return st?.state?.running && st.restartCount === attempt && (await n.cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': steady.metadata.uid }, state: 'SANDBOX_READY' })).some((s) => s.metadata.attempt === attempt);
    }, 90_000, `container running in sandbox ${attempt}`);
    const s = (await n.cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': steady.metadata.uid }, state: 'SANDBOX_READY' }))[0]!;
    await n.cri.stopPodSandbox(s.id);
  };
  await killSandbox(0);
  await killSandbox(1);
  await eventually(async () => (await n.pod('gc-crash')).status?.containerStatuses?.[0]?.restartCount >= 2, 90_000, 'two restarts');
  // attempt 0 is collected; the current (2) and the previous (1) stay.
  await eventually(async () => JSON.stringify(await containersOf(crash.metadata.uid)) === '[1,2]', 30_000, `container 0 collected: ${JSON.stringify(await containersOf(crash.metadata.uid))}`);
  const prev = await n.k.run(['logs', 'gc-crash', '-n', NS, '--previous']);
  assert.equal(prev.code, 0, prev.stderr);
  assert.equal(prev.stdout.trim(), 'attempt');
  const p = await n.pod('gc-crash');
  assert.equal(p.status.containerStatuses[0].lastState.terminated?.exitCode, 1);
  // Sandbox 0 lost its only container to GC and goes; 1 still holds the previous container.
  await eventually(async () => JSON.stringify(await sandboxesOf(steady.metadata.uid)) === '[1,2]', 60_000, `sandbox 0 collected: ${JSON.stringify(await sandboxesOf(steady.metadata.uid))}`);
  assert.equal((await n.pod('gc-sandbox')).status.containerStatuses[0].restartCount, 2);
});
