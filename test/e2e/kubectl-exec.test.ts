// kubectl exec / attach / port-forward end to end: real kubectl v1.32 → apiserver pods/exec,
// pods/attach, pods/portforward → kubelet → containerd's CRI streaming server. kubectl offers a
// websocket (v5.channel.k8s.io) first; containerd 1.6 refuses it, the refusal is relayed, and
// kubectl falls back to SPDY/3.1. Real etcd + apiserver + kubelet + containerd; pods are bound by
// spec.nodeName (no scheduler) and every pod and sandbox is removed at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { eventually, req } from '../helpers/http.js';
import { startKubeletNode, type KubeletNode } from '../helpers/kubelet-node.js';
import { freePort } from '../helpers/ports.js';

const NS = 'kubectl-e2e-exec';
const IMAGE = 'localhost:5000/busybox:v1';
let n: KubeletNode;

async function runningPod(name: string, container: Record<string, unknown>): Promise<void> {
  const r = await req(n.api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name }, spec: { nodeName: n.node, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: IMAGE, ...container }] } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await eventually(async () => (await n.pod(name)).status?.phase === 'Running', 120_000, `${name} Running: ${n.kubelet.output()}`);
}

before(async () => {
  n = await startKubeletNode(NS);
  await runningPod('web', { command: ['sh', '-c', 'mkdir -p /www && echo hello-web > /www/index.html && exec httpd -f -p 80 -h /www'] });
  await runningPod('att', { stdin: true, command: ['sh', '-c', 'while read l; do echo got:$l; done; sleep 3600'] });
});

after(async () => {
  if (n) await n.stop();
});

const kc = (...args: string[]) => ['--kubeconfig', n.api.kubeconfig, '--cache-dir', n.k.cacheDir, '-n', NS, ...args];

test('exec prints the command output on stdout and stderr', async () => {
  const r = await n.k.run(['exec', '-n', NS, 'web', '--', 'sh', '-c', 'echo out-line; echo err-line >&2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'out-line\n');
  assert.match(r.stderr, /err-line/);
});

test('exec -i passes stdin through', async () => {
  const r = await n.k.run(['exec', '-i', '-n', NS, 'web', '--', 'sh', '-c', 'cat; echo done'], 'piped-in\nsecond\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'piped-in\nsecond\ndone\n');
});

test("exec propagates the command's exit code", async () => {
  const r = await n.k.run(['exec', '-n', NS, 'web', '--', 'sh', '-c', 'exit 3']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /command terminated with exit code 3/);
});

test('exec -it runs the command on a terminal', async () => {
  // `script` gives kubectl a terminal for stdin; -e returns kubectl's exit code
  const cmd = ['kubectl', ...kc('exec', '-it', 'web', '--', 'sh', '-c', 'tty; exit 4')].map((a) => `'${a}'`).join(' ');
  const r = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 60_000 }, (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }));
  });
  assert.match(r.out, /\/dev\/pts\/\d+/);
  assert.equal(r.code, 4, r.out);
});

test('exec into a container the pod does not have is a 400 from the apiserver', async () => {
  const r = await n.k.run(['exec', '-n', NS, 'web', '-c', 'nope', '--', 'ls']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /BadRequest.*container nope is not valid for pod web/);
});

test('pods/exec refuses requests that are not upgrades, and pods that are not bound', async () => {
  const plain = await req(n.api.url, 'POST', `/api/v1/namespaces/${NS}/pods/web/exec?command=ls&stdout=true`);
  assert.equal(plain.status, 400);
  assert.match(plain.body.message, /Upgrade request required/);
  await req(n.api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name: 'unbound' }, spec: { containers: [{ name: 'c', image: IMAGE }] } });
  const r = await n.k.run(['exec', '-n', NS, 'unbound', '--', 'ls']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /pod unbound does not have a host assigned/);
  await req(n.api.url, 'DELETE', `/api/v1/namespaces/${NS}/pods/unbound`);
});

test('attach -i sends stdin to the running container and shows its output', async () => {
  // the container keeps running after kubectl's stdin ends, so kubectl is stopped once the echo arrived
  const a = spawn('kubectl', kc('attach', '-i', 'att'), { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  a.stdout.on('data', (c: Buffer) => (out += c.toString()));
  a.stderr.on('data', (c: Buffer) => (out += c.toString()));
  try {
    a.stdin.write('line1\n');
    await eventually(() => out.includes('got:line1'), 60_000, `attach output: ${out}`);
  } finally {
    a.kill('SIGTERM');
  }
});

test('port-forward serves a local port from the pod', async () => {
  const port = await freePort();
  const pf = spawn('kubectl', kc('port-forward', 'pod/web', `${port}:80`), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  pf.stdout.on('data', (c: Buffer) => (out += c.toString()));
  pf.stderr.on('data', (c: Buffer) => (out += c.toString()));
  try {
    await eventually(() => out.includes('Forwarding from 127.0.0.1'), 60_000, `port-forward listening: ${out}`);
    for (let i = 0; i < 2; i++) {
      const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.equal(body, 'hello-web\n');
    }
  } finally {
    pf.kill('SIGTERM');
  }
});
