// `kubets up` / `kubets down` as a newcomer runs them: a node comes up Ready, a pod runs and
// resolves cluster names through the DNS Service, and `down` leaves the host clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KUBETS } from '../helpers/processes.js';
import { Kubectl } from '../helpers/kubectl.js';
import { eventually } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';

let stateDir: string;
let up: ChildProcess;
let output = '';
let k: Kubectl;

function down(): string {
  return execFileSync(process.execPath, [KUBETS, 'down', '--state-dir', stateDir], { encoding: 'utf8' });
}

before(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-up-'));
  const apiPort = await freePort();
  const etcdPort = await freePort();
  up = spawn(process.execPath, [KUBETS, 'up', '--state-dir', stateDir, '--apiserver-port', String(apiPort), '--etcd-port', String(etcdPort), '--node-name', 'up-e2e'], { stdio: ['ignore', 'pipe', 'pipe'] });
  up.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  up.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await eventually(() => /kubets is up/.test(output) || up.exitCode !== null, 180_000, 'kubets up');
  assert.match(output, /kubets is up/, output);
  k = new Kubectl(path.join(stateDir, 'kubeconfig'));
});

after(async () => {
  if (stateDir) {
    try {
      down();
    } catch {
      /* reported by the test below when it matters */
    }
  }
  if (up && up.exitCode === null) up.kill('SIGKILL');
  k?.cleanup();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

test('up shows progress and prints what to type next', () => {
  assert.match(output, /waiting for etcd ok/);
  assert.match(output, /waiting for node up-e2e Ready ok/);
  assert.match(output, /export KUBECONFIG=.*kubeconfig/);
});

test('the node is Ready and a pod resolves cluster names through the DNS Service', async () => {
  assert.match(await k.ok(['get', 'nodes']), /^up-e2e\s+Ready\s+/m);
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: lookup\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: localhost:5000/busybox:v1\n    command: ["nslookup", "kubernetes.default.svc.cluster.local"]\n';
  await k.ok(['apply', '-f', '-'], pod);
  await eventually(async () => /Completed/.test(await k.ok(['get', 'pod', 'lookup'])), 120_000, 'lookup pod completes');
  const logs = await k.ok(['logs', 'lookup']);
  assert.match(logs, /Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.96\.0\.1/);
});

test('the web example rolls out, answers on its ClusterIP, NodePort and name, scales, updates and rolls back', async () => {
  const examples = path.join(path.dirname(KUBETS), '..', 'examples');
  await k.ok(['apply', '-f', path.join(examples, 'web.yaml')]);
  const rollout = await k.run(['rollout', 'status', 'deployment/web', '--timeout=180s'], undefined, 200_000);
  assert.equal(rollout.code, 0, rollout.stderr);
  assert.match(rollout.stdout, /successfully rolled out/);
  const ip = (await k.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  const page = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  assert.match(await eventually(() => page(`http://${ip}/`).catch(() => undefined), 60_000, 'ClusterIP'), /^v1\nserved by web-/);
  const node = JSON.parse(await k.ok(['get', 'node', 'up-e2e', '-o', 'json']));
  const nodeIP = node.status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address;
  assert.match(await eventually(() => page(`http://${nodeIP}:30080/`).catch(() => undefined), 60_000, 'NodePort'), /^v1/);
  // From another pod, by name (cluster DNS + service rules).
  await k.ok(['run', 'client', '--image=localhost:5000/busybox:v1', '--restart=Never', '--', 'sh', '-c', 'wget -qO- http://web.default.svc.cluster.local/ && wget -qO- http://web/']);
  await eventually(async () => /Completed/.test(await k.ok(['get', 'pod', 'client'])), 120_000, 'client completes');
  assert.match(await k.ok(['logs', 'client']), /^v1\nserved by web-.*\nv1\nserved by web-/s);
  // Scale up and down.
  await k.ok(['scale', 'deployment/web', '--replicas=5']);
  await eventually(async () => (await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).trim() === '5', 120_000, '5 ready');
  await k.ok(['scale', 'deployment/web', '--replicas=2']);
  await eventually(async () => (await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.status.replicas}'])).trim() === '2', 120_000, 'back to 2');
  // Rolling update to v2, then undo.
  await k.ok(['set', 'image', 'deployment/web', 'httpd=localhost:5000/busybox:v2']);
  assert.equal((await k.run(['rollout', 'status', 'deployment/web', '--timeout=180s'], undefined, 200_000)).code, 0);
  await eventually(async () => /^v2/.test(await page(`http://${ip}/`).catch(() => '')), 30_000, 'serves v2');
  await k.ok(['rollout', 'undo', 'deployment/web']);
  assert.equal((await k.run(['rollout', 'status', 'deployment/web', '--timeout=180s'], undefined, 200_000)).code, 0);
  await eventually(async () => /^v1/.test(await page(`http://${ip}/`).catch(() => '')), 30_000, 'serves v1 again');
  assert.match(await k.ok(['rollout', 'history', 'deployment/web']), /^3\s/m);
});

test('down leaves no processes, sandboxes, chains or bridge behind', async () => {
  const text = down();
  assert.match(text, /down/);
  await eventually(() => up.exitCode !== null, 30_000, 'up exits');
  const chains = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
  assert.doesNotMatch(chains, /KUBE-/);
  assert.throws(() => execFileSync('ip', ['link', 'show', 'kubets0'], { stdio: 'ignore' }));
  for (const f of fs.existsSync(path.join(stateDir, 'run')) ? fs.readdirSync(path.join(stateDir, 'run')) : []) assert.fail(`pid file left: ${f}`);
  if (fs.existsSync('/run/containerd/containerd.sock')) {
    const cri = new CriClient({ endpoint: 'unix:///run/containerd/containerd.sock' });
    try {
      const left = await cri.listPodSandbox({ labels: { 'kubets.io/managed': 'true' } }).catch(() => []);
      assert.deepEqual(left, []);
    } finally {
      cri.close();
    }
  }
});
