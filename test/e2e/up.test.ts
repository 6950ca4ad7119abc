// `kubets up` / `kubets down` as a newcomer runs them, driven only with the real kubectl and
// host tools (curl, busybox nslookup, iptables-save, ip, /proc): one `up` for the whole file.
// 1. the node is Ready, nothing fails, pods resolve cluster names; 2. the web example answers on
// its ClusterIP, NodePort and name; 3. scaling, a killed container process, a deleted pod;
// 4. a rolling update under continuous traffic loses no request, and rolls back; 5. logs,
// logs -f, describe events; 6. Job, CronJob, StatefulSet, DaemonSet; 7. every component killed in
// turn; 8. a namespace deleted with everything in it; `down` leaves the host clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KUBETS } from '../helpers/processes.js';
import { Kubectl } from '../helpers/kubectl.js';
import { eventually } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import { processAlive, readPidFile } from '../../src/up/pidfile.js';

const run = promisify(execFile);
const EXAMPLES = path.join(path.dirname(KUBETS), '..', 'examples');
const NODE = 'up-e2e';
let stateDir: string;
let up: ChildProcess;
let output = '';
let k: Kubectl;
let webIP = '';
let nodeIP = '';

function down(): string {
  return execFileSync(process.execPath, [KUBETS, 'down', '--state-dir', stateDir], { encoding: 'utf8' });
}

/** One HTTP GET with curl on a fresh connection, as a user's loop would; undefined on failure. */
async function curl(url: string, timeoutSec = 5): Promise<string | undefined> {
  try {
    return (await run('curl', ['-fsS', '--max-time', String(timeoutSec), url])).stdout;
  } catch {
    return undefined;
  }
}

async function jsonpath(args: string[], expr: string): Promise<string> {
  return (await k.ok([...args, '-o', `jsonpath=${expr}`])).trim();
}

/** name → restartCount of every running pod in a namespace, from `kubectl get pods -o json`. */
async function restartCounts(ns: string): Promise<Map<string, number>> {
  const list = JSON.parse(await k.ok(['get', 'pods', '-n', ns, '--field-selector=status.phase=Running', '-o', 'json'])) as { items: { metadata: { name: string }; status?: { containerStatuses?: { restartCount: number }[] } }[] };
  return new Map(list.items.map((p) => [p.metadata.name, (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0)]));
}

/** The host pid of a container's init process: containerd's task pid file, else a /proc cgroup scan. */
function containerPid(containerID: string): number {
  const id = containerID.replace(/^containerd:\/\//, '');
  for (const state of ['/run/kubets/containerd', '/run/containerd']) {
    const file = path.join(state, 'io.containerd.runtime.v2.task', 'k8s.io', id, 'init.pid');
    if (fs.existsSync(file)) return Number(fs.readFileSync(file, 'utf8'));
  }
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${p}/cgroup`, 'utf8').includes(id)) return Number(p);
    } catch {
      /* gone */
    }
  }
  throw new Error(`no process for container ${id}`);
}

async function sandboxes(labels: Record<string, string>): Promise<string[]> {
  const cri = new CriClient({ endpoint: 'unix:///run/containerd/containerd.sock' });
  try {
    return (await cri.listPodSandbox({ labels })).map((s) => s.id);
  } finally {
    cri.close();
  }
}

function natRules(): string {
  return execFileSync('iptables-save', [], { encoding: 'utf8' });
}

async function rolledOut(what: string, ns = 'default'): Promise<void> {
  const r = await k.run(['rollout', 'status', what, '-n', ns, '--timeout=180s'], undefined, 200_000);
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
}

before(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-up-'));
  const apiPort = await freePort();
  const etcdPort = await freePort();
  up = spawn(process.execPath, [KUBETS, 'up', '--state-dir', stateDir, '--apiserver-port', String(apiPort), '--etcd-port', String(etcdPort), '--node-name', NODE], { stdio: ['ignore', 'pipe', 'pipe'] });
  up.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  up.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await eventually(() => /kubets is up/.test(output) || up.exitCode !== null, 240_000, 'kubets up');
  assert.match(output, /kubets is up/, output);
  k = new Kubectl(path.join(stateDir, 'kubeconfig'));
});

after(async () => {
  if (stateDir) {
    try {
      down();
    } catch {
      /* reported by the last test when it matters */
    }
  }
  if (up && up.exitCode === null) up.kill('SIGKILL');
  k?.cleanup();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

test('up shows progress, refuses a second up on the same state, and prints what to type next', async () => {
  assert.match(output, /waiting for etcd \.*ok/);
  assert.match(output, /waiting for cluster DNS to answer \.*ok/);
  assert.match(output, /waiting for node up-e2e Ready \.*ok/);
  assert.match(output, /export KUBECONFIG=.*kubeconfig/);
  const second = await run(process.execPath, [KUBETS, 'up', '--state-dir', stateDir]).then(() => ({ code: 0, stdout: '' }), (e: { code: number; stdout: string }) => e);
  assert.equal(second.code, 1);
  assert.match(second.stdout, /already running for .* \(pid \d+\)/);
  assert.equal(up.exitCode, null, 'the first up keeps running');
});

test('1. the node is Ready, nothing is failing, and a pod resolves cluster names through the DNS Service', async () => {
  assert.match(await k.ok(['get', 'nodes']), /^up-e2e\s+Ready\s+/m);
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: lookup\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: localhost:5000/busybox:v1\n    command: ["nslookup", "kubernetes.default.svc.cluster.local"]\n';
  await k.ok(['apply', '-f', '-'], pod);
  await eventually(async () => /Completed/.test(await k.ok(['get', 'pod', 'lookup'])), 120_000, 'lookup pod completes');
  assert.match(await k.ok(['logs', 'lookup']), /Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.96\.0\.1/);
  const all = await k.ok(['get', 'pods', '-A', '--no-headers']);
  for (const line of all.trim().split('\n').filter(Boolean)) assert.match(line, /\s(Running|Completed)\s/, `a pod is failing: ${line}`);
  await k.ok(['delete', 'pod', 'lookup', '--wait=false']);
  // The CronJob goes in now so that it has fired by step 6 (it runs every minute).
  await k.ok(['create', 'namespace', 'work']);
  await k.ok(['apply', '-n', 'work', '-f', path.join(EXAMPLES, 'cronjob.yaml')]);
});

test('2. the web example rolls out and answers on its ClusterIP, its NodePort and by name from a pod', async () => {
  await k.ok(['apply', '-f', path.join(EXAMPLES, 'web.yaml')]);
  await rolledOut('deployment/web');
  webIP = await jsonpath(['get', 'svc', 'web'], '{.spec.clusterIP}');
  assert.match(await eventually(() => curl(`http://${webIP}/`), 60_000, 'ClusterIP'), /^v1\nserved by web-/);
  nodeIP = await jsonpath(['get', 'node', NODE], '{.status.addresses[?(@.type=="InternalIP")].address}');
  assert.match(await eventually(() => curl(`http://${nodeIP}:30080/`), 60_000, 'NodePort'), /^v1/);
  await k.ok(['run', 'client', '--image=localhost:5000/busybox:v1', '--restart=Never', '--', 'sh', '-c', 'wget -qO- http://web.default.svc.cluster.local/ && wget -qO- http://web/']);
  await eventually(async () => /Completed/.test(await k.ok(['get', 'pod', 'client'])), 120_000, 'client completes');
  assert.match(await k.ok(['logs', 'client']), /^v1\nserved by web-.*\nv1\nserved by web-/s);
  await k.ok(['delete', 'pod', 'client', '--wait=false']);
});

test('3. scale 5 → 2; a container process killed from the host restarts; a deleted pod is replaced', async () => {
  await k.ok(['scale', 'deployment/web', '--replicas=5']);
  await eventually(async () => (await jsonpath(['get', 'deploy', 'web'], '{.status.readyReplicas}')) === '5', 120_000, '5 ready');
  await k.ok(['scale', 'deployment/web', '--replicas=2']);
  await eventually(async () => (await k.ok(['get', 'pods', '-l', 'app=web', '--no-headers'])).trim().split('\n').length === 2, 120_000, 'back to 2 pods');
  // Kill the container's process from the host, the way an OOM kill or a crash would end it.
  const victim = (await jsonpath(['get', 'pods', '-l', 'app=web'], '{.items[0].metadata.name}'));
  const before = Number(await jsonpath(['get', 'pod', victim], '{.status.containerStatuses[0].restartCount}'));
  const cid = await jsonpath(['get', 'pod', victim], '{.status.containerStatuses[0].containerID}');
  const pid = containerPid(cid);
  assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^sh\0-c\0/, 'the container init (sh)');
  process.kill(pid, 'SIGKILL');
  await eventually(async () => Number(await jsonpath(['get', 'pod', victim], '{.status.containerStatuses[0].restartCount}')) === before + 1, 120_000, 'restartCount + 1');
  await eventually(async () => (await jsonpath(['get', 'pod', victim], '{.status.containerStatuses[0].ready}')) === 'true', 120_000, 'restarted container ready');
  assert.notEqual(await jsonpath(['get', 'pod', victim], '{.status.containerStatuses[0].containerID}'), cid);
  // Delete a pod: the ReplicaSet replaces it.
  await k.ok(['delete', 'pod', victim, '--wait=false']);
  await eventually(async () => {
    const names = (await jsonpath(['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running'], '{.items[*].metadata.name}')).split(' ').filter(Boolean);
    return names.length === 2 && !names.includes(victim) && (await jsonpath(['get', 'deploy', 'web'], '{.status.readyReplicas}')) === '2';
  }, 120_000, 'a replacement pod, 2 ready');
});

test('4. a rolling update to v2 under continuous traffic loses no request, and rollout undo goes back', async () => {
  const failures: string[] = [];
  const seen = new Set<string>();
  let requests = 0;
  let stop = false;
  const client = (async () => {
    while (!stop) {
      requests++;
      const body = await curl(`http://${webIP}/`, 5);
      if (body === undefined) failures.push(new Date().toISOString());
      else seen.add(body.split('\n')[0]!);
    }
  })();
  try {
    await k.ok(['set', 'image', 'deployment/web', 'httpd=localhost:5000/busybox:v2']);
    await rolledOut('deployment/web');
    await eventually(async () => (await curl(`http://${webIP}/`))?.startsWith('v2'), 60_000, 'serves v2');
    await eventually(async () => (await k.ok(['get', 'pods', '-l', 'app=web', '--no-headers'])).trim().split('\n').length === 2, 120_000, 'old pods gone');
    await k.ok(['rollout', 'undo', 'deployment/web']);
    await rolledOut('deployment/web');
    await eventually(async () => (await curl(`http://${webIP}/`))?.startsWith('v1'), 60_000, 'serves v1 again');
    await eventually(async () => (await k.ok(['get', 'pods', '-l', 'app=web', '--no-headers'])).trim().split('\n').length === 2, 120_000, 'v2 pods gone');
  } finally {
    stop = true;
    await client;
  }
  assert.deepEqual(failures, [], `${failures.length} of ${requests} requests failed during the rollouts`);
  assert.ok(seen.has('v1') && seen.has('v2'), `saw ${[...seen]}`);
  assert.match(await k.ok(['rollout', 'history', 'deployment/web']), /^3\s/m);
});

test('5. kubectl logs, logs -f until the container exits, and describe shows scheduler and kubelet events', async () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: talker\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: localhost:5000/busybox:v1\n    command: ["sh", "-c", "for i in 1 2 3 4 5 6; do echo line $i; sleep 1; done"]\n';
  await k.ok(['apply', '-f', '-'], pod);
  await eventually(async () => (await jsonpath(['get', 'pod', 'talker'], '{.status.phase}')) === 'Running', 120_000, 'talker running');
  const follow = await k.run(['logs', '-f', 'talker'], undefined, 60_000);
  assert.equal(follow.code, 0, follow.stderr);
  assert.match(follow.stdout, /line 1\n[^]*line 6\n$/);
  await eventually(async () => (await jsonpath(['get', 'pod', 'talker'], '{.status.phase}')) === 'Succeeded', 60_000, 'talker succeeded');
  assert.equal(await k.ok(['logs', 'talker', '--tail=2']), 'line 5\nline 6\n');
  const describe = await k.ok(['describe', 'pod', 'talker']);
  assert.match(describe, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/talker to up-e2e/);
  for (const reason of ['Pulled', 'Created', 'Started']) assert.match(describe, new RegExp(`Normal\\s+${reason}\\s+.*kubelet`), `${reason} event in:\n${describe}`);
  await k.ok(['delete', 'pod', 'talker', '--wait=false']);
});

test('6. a Job completes, the CronJob fired, StatefulSet pods web-0..2 resolve by name, the DaemonSet runs on the node', async () => {
  for (const f of ['job.yaml', 'statefulset.yaml', 'daemonset.yaml']) await k.ok(['apply', '-n', 'work', '-f', path.join(EXAMPLES, f)]);
  const job = await k.run(['wait', '-n', 'work', '--for=condition=complete', 'job/count', '--timeout=180s'], undefined, 200_000);
  assert.equal(job.code, 0, job.stderr);
  assert.equal(await jsonpath(['get', 'job', 'count', '-n', 'work'], '{.status.succeeded}'), '2');
  assert.match(await k.ok(['logs', '-n', 'work', 'job/count']), /1\n2\n3\ndone/);
  await rolledOut('statefulset/web', 'work');
  assert.deepEqual((await jsonpath(['get', 'pods', '-n', 'work', '-l', 'app=web-sts'], '{.items[*].metadata.name}')).split(' ').sort(), ['web-0', 'web-1', 'web-2']);
  await rolledOut('daemonset/node-agent', 'work');
  assert.equal(await jsonpath(['get', 'pods', '-n', 'work', '-l', 'app=node-agent'], '{.items[*].spec.nodeName}'), NODE);
  assert.match(await eventually(async () => (await k.ok(['logs', '-n', 'work', 'daemonset/node-agent'])) || undefined, 60_000, 'node-agent logs'), new RegExp(`alive on ${NODE}`));
  // Each StatefulSet pod by its stable name, from another pod: the page is the pod's hostname.
  await k.ok(['run', 'sts-client', '-n', 'work', '--image=localhost:5000/busybox:v1', '--restart=Never', '--', 'sh', '-c', 'for i in 0 1 2; do wget -qO- http://web-$i.web-headless.work.svc.cluster.local/; done']);
  await eventually(async () => /Completed/.test(await k.ok(['get', 'pod', 'sts-client', '-n', 'work'])), 120_000, 'sts-client completes');
  assert.equal(await k.ok(['logs', '-n', 'work', 'sts-client']), 'web-0\nweb-1\nweb-2\n');
  // The CronJob (created in step 1) has fired and its job succeeded.
  await eventually(async () => (await jsonpath(['get', 'cronjob', 'tick', '-n', 'work'], '{.status.lastScheduleTime}')) !== '', 120_000, 'cronjob fired');
  await eventually(async () => (await jsonpath(['get', 'jobs', '-n', 'work'], '{.items[?(@.metadata.ownerReferences[0].kind=="CronJob")].status.succeeded}')).split(' ').includes('1'), 120_000, 'a job of the CronJob succeeded');
});

test('7. each component killed in turn restarts; pods keep running with their restart counts; services answer; the cluster converges', async () => {
  const runDir = path.join(stateDir, 'run');
  const counts = new Map([['default', await restartCounts('default')], ['work', await restartCounts('work')]]);
  const nslookup = async () => (await run('busybox', ['nslookup', 'web.default.svc.cluster.local', nodeIP]).catch(() => ({ stdout: '' }))).stdout.includes(webIP);
  for (const name of ['apiserver', 'controller-manager', 'scheduler', 'kubelet', 'proxy', 'dns', 'containerd', 'etcd']) {
    // containerd belongs to this up when it started it; otherwise it is the one hack/containerd.sh runs.
    const file = name === 'containerd' && !fs.existsSync(path.join(runDir, 'containerd.pid')) ? '/run/kubets/containerd.pid' : path.join(runDir, `${name}.pid`);
    const pid = readPidFile(file);
    assert.ok(pid, `${name} pid from ${file}`);
    process.kill(pid, 'SIGKILL');
    await eventually(() => !processAlive(pid), 10_000, `${name} gone`);
    const pidFile = name === 'containerd' ? path.join(runDir, 'containerd.pid') : file;
    await eventually(() => { const p = readPidFile(pidFile); return p !== undefined && p !== pid; }, 60_000, `${name} restarted`);
    // Services keep answering (the rules and the pods do not depend on the process just killed).
    assert.ok(await eventually(() => curl(`http://${webIP}/`), 30_000, `ClusterIP after ${name} restart`));
    await eventually(async () => /^up-e2e\s+Ready\s/m.test(await k.ok(['get', 'nodes', '--no-headers'])), 120_000, `node Ready after ${name} restart`);
  }
  await eventually(nslookup, 60_000, 'DNS answers after the restarts');
  // Pods kept running: every pod running before runs still, with the same restart count.
  for (const ns of ['default', 'work']) {
    const now = await restartCounts(ns);
    for (const [name, n] of counts.get(ns)!) assert.equal(now.get(name), n, `${ns}/${name} restarts`);
  }
  // The cluster converges: a scale-up goes through controller-manager, scheduler, kubelet, endpoints and proxy.
  await k.ok(['scale', 'deployment/web', '--replicas=3']);
  await rolledOut('deployment/web');
  await eventually(async () => (await jsonpath(['get', 'endpoints', 'web'], '{.subsets[0].addresses[*].ip}')).split(' ').length === 3, 60_000, '3 endpoints');
  const served = new Set<string>();
  await eventually(async () => {
    const body = await curl(`http://${webIP}/`);
    if (body) served.add(body.split('\n')[1]!);
    return served.size === 3;
  }, 60_000, 'all 3 pods serve through the ClusterIP');
});

test('8. deleting a namespace removes everything in it (workloads of step 6 too), its service rules and its sandboxes; down leaves the host clean', async () => {
  await k.ok(['apply', '-n', 'work', '-f', path.join(EXAMPLES, 'config-pod.yaml')]);
  const echo = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: echo}', 'spec:', '  replicas: 2', '  selector: {matchLabels: {app: echo}}', '  template:', '    metadata: {labels: {app: echo}}', '    spec:', '      containers:',
    '      - {name: echo, image: "localhost:5000/busybox:v1", command: ["sh", "-c", "mkdir -p /www && echo ns > /www/index.html && exec httpd -f -p 80 -h /www"]}',
    '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: echo}', 'spec: {selector: {app: echo}, ports: [{port: 80}]}', ''].join('\n');
  await k.ok(['apply', '-n', 'work', '-f', '-'], echo);
  await rolledOut('deployment/echo', 'work');
  await eventually(async () => (await jsonpath(['get', 'pod', 'config-reader', '-n', 'work'], '{.status.phase}')) === 'Running', 120_000, 'config-reader running');
  assert.match(await eventually(async () => (await k.ok(['logs', '-n', 'work', 'config-reader'])) || undefined, 30_000, 'config-reader logs'), /greeting=hello password=s3cr3t\ncolor=blue\ns3cr3t/);
  await eventually(() => /work\/echo/.test(natRules()), 60_000, 'service rules for work/echo');
  const workSandboxes = await sandboxes({ 'io.kubernetes.pod.namespace': 'work' });
  if (workSandboxes.length < 7) {
    const pods = await k.run(['get', 'pods', '-n', 'work', '-o', 'wide']);
    assert.fail(`${workSandboxes.length} sandboxes in namespace work (want >= 7); pods:\n${pods.stdout}${pods.stderr}`);
  }
  await k.ok(['delete', 'namespace', 'work', '--wait=false']);
  await eventually(async () => (await k.run(['get', 'namespace', 'work'])).code !== 0, 180_000, 'namespace gone');
  await eventually(async () => (await sandboxes({ 'io.kubernetes.pod.namespace': 'work' })).length === 0, 60_000, 'sandboxes gone');
  await eventually(() => !/work\//.test(natRules()), 60_000, 'service rules gone');
  for (const kind of ['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'services', 'configmaps', 'secrets', 'endpoints']) {
    assert.equal((await k.ok(['get', kind, '-n', 'work', '--no-headers', '--ignore-not-found'])).trim(), '', kind);
  }
  // down: no processes, sandboxes, mounts, bridge, netns, KUBE-/CNI- chains, pid files.
  const runDir = path.join(stateDir, 'run');
  const pids = fs.readdirSync(runDir).filter((f) => f.endsWith('.pid')).map((f) => readPidFile(path.join(runDir, f))).filter((p): p is number => p !== undefined);
  assert.ok(pids.length >= 7, `pids: ${pids}`);
  const netnsBefore = fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns').filter((n) => n.startsWith('cni-')) : [];
  assert.ok(netnsBefore.length > 0);
  assert.match(down(), /down/);
  await eventually(() => up.exitCode !== null, 30_000, 'up exits');
  for (const p of pids) assert.ok(!processAlive(p), `process ${p} left`);
  assert.doesNotMatch(natRules(), /KUBE-|CNI-/);
  assert.throws(() => execFileSync('ip', ['link', 'show', 'kubets0'], { stdio: 'ignore' }));
  const netnsAfter = fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : [];
  for (const n of netnsBefore) assert.ok(!netnsAfter.includes(n), `netns ${n} left`);
  assert.ok(!fs.readFileSync('/proc/mounts', 'utf8').includes(stateDir), 'mounts under the state dir left');
  assert.deepEqual(fs.existsSync(runDir) ? fs.readdirSync(runDir) : [], []);
  if (fs.existsSync('/run/containerd/containerd.sock')) assert.deepEqual(await sandboxes({ 'kubets.io/managed': 'true' }).catch(() => []), []);
});
