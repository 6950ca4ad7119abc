// `kubets up` over the same state dir, again and again, with the real kubectl and host tools:
// 1. objects survive `down` + `up` (etcd data and PKI are reused) and the Deployment's pod runs
//    again on the Ready node; 2. a second `up` while one runs refuses and harms nothing; 3. an
//    `up` killed with SIGKILL leaves its children running: the next `up` stops them and comes
//    back with the cluster; 4. `down` leaves no process, sandbox, mount, netns, bridge or chain.
// Needs the shared host (containerd, iptables): run under `flock /tmp/kubets-node.lock`.
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
const NODE = 'restart-e2e';
let stateDir: string;
let runDir: string;
let ports: string[];
let k: Kubectl;
const ups: { proc: ChildProcess; output: string }[] = [];
/** Every pid any `up` of this file recorded, for the final check. */
const seenPids = new Set<number>();
const netnsSeen = new Set<string>();

/** Starts `kubets up` on the shared state dir and waits until it says it is up. */
async function startUp(): Promise<{ proc: ChildProcess; output: string }> {
  const u = { proc: spawn(process.execPath, [KUBETS, 'up', '--state-dir', stateDir, ...ports, '--node-name', NODE], { stdio: ['ignore', 'pipe', 'pipe'] }), output: '' };
  u.proc.stdout!.on('data', (c: Buffer) => (u.output += c.toString()));
  u.proc.stderr!.on('data', (c: Buffer) => (u.output += c.toString()));
  ups.push(u);
  await eventually(() => /kubets is up/.test(u.output) || u.proc.exitCode !== null, 300_000, 'kubets up');
  assert.match(u.output, /kubets is up/, u.output);
  recordPids();
  return u;
}

function recordPids(): Map<string, number> {
  const pids = new Map<string, number>();
  for (const f of fs.readdirSync(runDir).filter((n) => n.endsWith('.pid'))) {
    const pid = readPidFile(path.join(runDir, f));
    if (pid === undefined) continue;
    pids.set(f.replace(/\.pid$/, ''), pid);
    seenPids.add(pid);
  }
  if (fs.existsSync('/var/run/netns')) for (const n of fs.readdirSync('/var/run/netns').filter((x) => x.startsWith('cni-'))) netnsSeen.add(n);
  return pids;
}

function down(): string {
  return execFileSync(process.execPath, [KUBETS, 'down', '--state-dir', stateDir], { encoding: 'utf8' });
}

async function sandboxes(labels: Record<string, string>): Promise<{ id: string; state: string }[]> {
  const cri = new CriClient({ endpoint: 'unix:///run/containerd/containerd.sock' });
  try {
    return (await cri.listPodSandbox({ labels })).map((s) => ({ id: s.id, state: String(s.state) }));
  } finally {
    cri.close();
  }
}

async function jsonpath(args: string[], expr: string): Promise<string> {
  return (await k.ok([...args, '-o', `jsonpath=${expr}`])).trim();
}

/** The sleeper Deployment's single pod, Running and ready (in a container other than `not`); its name and container id. */
async function sleeperRunning(not?: string): Promise<{ pod: string; container: string }> {
  let found = { pod: '', container: '' };
  await eventually(async () => {
    const out = await jsonpath(['get', 'pods', '-l', 'app=sleeper', '--field-selector=status.phase=Running'], '{range .items[*]}{.metadata.name} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].containerID}{"\\n"}{end}');
    const ready = out.split('\n').filter(Boolean).map((l) => l.split(' ')).filter((f) => f[1] === 'true' && f[2] !== not);
    if (ready.length !== 1) return false;
    found = { pod: ready[0]![0]!, container: ready[0]![2]! };
    return (await jsonpath(['get', 'deploy', 'sleeper'], '{.status.readyReplicas}')) === '1';
  }, 180_000, 'the sleeper pod running and ready');
  return found;
}

const SLEEPER = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: sleeper}', 'spec:', '  replicas: 1', '  selector: {matchLabels: {app: sleeper}}', '  template:', '    metadata: {labels: {app: sleeper}}', '    spec:',
  '      terminationGracePeriodSeconds: 1', '      containers:', '      - {name: c, image: "localhost:5000/busybox:v1", command: ["sleep", "36000"]}', ''].join('\n');

before(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-restart-'));
  runDir = path.join(stateDir, 'run');
  ports = ['--apiserver-port', String(await freePort()), '--etcd-port', String(await freePort())];
});

after(async () => {
  try {
    down();
  } catch {
    /* the last test reports what is left */
  }
  for (const u of ups) if (u.proc.exitCode === null && u.proc.signalCode === null) u.proc.kill('SIGKILL');
  k?.cleanup();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

let firstContainer = '';

test('1. up; a ConfigMap and a Deployment; a second up refuses and leaves the running one alone', async () => {
  const first = await startUp();
  k = new Kubectl(path.join(stateDir, 'kubeconfig'));
  await k.ok(['create', 'configmap', 'keep', '--from-literal=color=blue']);
  await k.ok(['apply', '-f', '-'], SLEEPER);
  firstContainer = (await sleeperRunning()).container;
  const pidsBefore = recordPids();
  const second = await run(process.execPath, [KUBETS, 'up', '--state-dir', stateDir, ...ports, '--node-name', NODE]).then(() => ({ code: 0, stdout: '' }), (e: { code: number; stdout: string }) => e);
  assert.equal(second.code, 1);
  assert.match(second.stdout, new RegExp(`kubets up is already running for ${stateDir} \\(pid ${first.proc.pid}\\)`));
  assert.match(second.stdout, /kubets down --state-dir/);
  assert.equal(first.proc.exitCode, null, 'the first up keeps running');
  assert.deepEqual(recordPids(), pidsBefore, 'no process of the running up was touched');
  assert.equal(await jsonpath(['get', 'configmap', 'keep'], '{.data.color}'), 'blue');
  assert.match(await k.ok(['get', 'nodes', '--no-headers']), new RegExp(`^${NODE}\\s+Ready\\s`, 'm'));
});

test('2. down, then up on the same state: the ConfigMap is there, the Deployment runs again, the node is Ready', async () => {
  const first = ups[0]!;
  assert.match(down(), /down/);
  await eventually(() => first.proc.exitCode !== null, 60_000, 'the first up exits');
  for (const p of seenPids) assert.ok(!processAlive(p), `process ${p} left by down`);
  const again = await startUp();
  assert.match(again.output, new RegExp(`waiting for node ${NODE} Ready \\.*ok`));
  assert.equal(await jsonpath(['get', 'configmap', 'keep'], '{.data.color}'), 'blue');
  // down removed the old container: the kubelet starts the pod again and reports the new one.
  const { pod } = await sleeperRunning(firstContainer);
  assert.equal((await sandboxes({ 'io.kubernetes.pod.name': pod })).filter((s) => s.state === 'SANDBOX_READY').length, 1);
  assert.match(await k.ok(['get', 'nodes', '--no-headers']), new RegExp(`^${NODE}\\s+Ready\\s`, 'm'));
});

test('3. up killed with SIGKILL leaves its children; the next up stops them and the cluster comes back', async () => {
  const killed = ups[ups.length - 1]!;
  const { pod, container } = await sleeperRunning();
  const children = recordPids();
  for (const name of ['etcd', 'apiserver', 'kubelet', 'proxy']) assert.ok(children.has(name), `${name} pid file`);
  killed.proc.kill('SIGKILL');
  await eventually(() => killed.proc.exitCode !== null || killed.proc.signalCode !== null, 30_000, 'up gone');
  const orphans = [...children.entries()].filter(([name, p]) => name !== 'containerd' && name !== 'registry' && name !== 'up' && processAlive(p));
  assert.ok(orphans.length > 0, 'children outlive a killed up');
  const next = await startUp();
  assert.match(next.output, /stopping \S+ left by an earlier up \(pid \d+\)/);
  for (const [name, p] of orphans) assert.ok(!processAlive(p), `${name} (pid ${p}) of the killed up still runs`);
  const now = recordPids();
  for (const name of ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'proxy', 'dns']) {
    assert.ok(now.get(name) !== undefined && now.get(name) !== children.get(name), `${name} runs again under the new up`);
  }
  assert.equal(readPidFile(path.join(runDir, 'up.pid')), next.proc.pid);
  assert.equal(await jsonpath(['get', 'configmap', 'keep'], '{.data.color}'), 'blue');
  // The pod's sandbox and container outlived the restart of the node's processes: adopted, not replaced.
  const after = await sleeperRunning();
  assert.deepEqual(after, { pod, container });
  assert.match(await k.ok(['get', 'nodes', '--no-headers']), new RegExp(`^${NODE}\\s+Ready\\s`, 'm'));
  // Nothing of the killed up fights the new one: no child is crash-looping.
  await new Promise((r) => setTimeout(r, 5000));
  assert.doesNotMatch(next.output, /exited \(/, next.output);
});

test('4. down leaves no processes, sandboxes, mounts, netns, CNI bridge or KUBE-/CNI- chains', async () => {
  recordPids();
  assert.ok(netnsSeen.size > 0, 'the pods had network namespaces');
  const last = ups[ups.length - 1]!;
  assert.match(down(), /down/);
  await eventually(() => last.proc.exitCode !== null, 60_000, 'up exits');
  for (const p of seenPids) assert.ok(!processAlive(p), `process ${p} left`);
  for (const u of ups) assert.ok(u.proc.exitCode !== null || u.proc.signalCode !== null, `up ${u.proc.pid} left`);
  assert.deepEqual(await sandboxes({ 'kubets.io/managed': 'true' }).catch(() => []), []);
  assert.ok(!fs.readFileSync('/proc/mounts', 'utf8').includes(stateDir), 'mounts under the state dir');
  const netns = fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : [];
  for (const n of netnsSeen) assert.ok(!netns.includes(n), `netns ${n} left`);
  assert.throws(() => execFileSync('ip', ['link', 'show', 'kubets0'], { stdio: 'ignore' }), 'the kubets0 bridge is gone');
  assert.doesNotMatch(execFileSync('iptables-save', [], { encoding: 'utf8' }), /KUBE-|CNI-/);
  assert.deepEqual(fs.readdirSync(runDir), []);
});
