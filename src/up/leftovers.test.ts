import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownedBy, stopLeftoverChildren } from './leftovers.js';
import { processAlive } from './pidfile.js';

test('ownedBy: children name a path in the state dir; up runs `kubets up`', () => {
  const cases: { argv: string[]; want: boolean }[] = [
    { argv: ['etcd', '--name', 'kubets', '--data-dir', '/s/etcd'], want: true },
    { argv: ['/usr/bin/node', '/opt/kubets/bin/kubets', 'scheduler', '--kubeconfig', '/s/kubeconfigs/scheduler.conf'], want: true },
    { argv: ['/usr/bin/node', '/opt/kubets/bin/kubets', 'apiserver', '--tls-cert-file=/s/pki/apiserver.crt'], want: true },
    { argv: ['/usr/bin/node', '/opt/kubets/bin/kubets', 'up'], want: true },
    { argv: ['etcd', '--data-dir', '/s2/etcd'], want: false },
    { argv: ['/usr/bin/node', '/opt/kubets/bin/kubets', 'scheduler', '--kubeconfig', '/other/scheduler.conf'], want: false },
    { argv: ['sleep', '100'], want: false },
  ];
  for (const c of cases) assert.equal(ownedBy(c.argv, '/s/'), c.want, c.argv.join(' '));
});

test('stopLeftoverChildren stops a child of this state dir, leaves a reused pid alone, keeps runtime pid files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-leftovers-'));
  // A process with a state-dir path among its arguments stands for a child; a plain `sleep` for a reused pid.
  const ours = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300_000)', path.join(dir, 'x')], { detached: true, stdio: 'ignore' });
  try {
    const run = path.join(dir, 'run');
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'etcd.pid'), String(child.pid));
    fs.writeFileSync(path.join(run, 'kubelet.pid'), String(ours.pid));
    fs.writeFileSync(path.join(run, 'containerd.pid'), String(ours.pid));
    fs.writeFileSync(path.join(run, 'dns.pid'), '999999999');
    const out = { text: '', write(s: string) { this.text += s; return true; } };
    const stopped = await stopLeftoverChildren(run, dir, out as unknown as NodeJS.WritableStream);
    assert.deepEqual(stopped, [child.pid]);
    assert.ok(!processAlive(child.pid!));
    assert.ok(processAlive(ours.pid!), 'a process that is not ours keeps running');
    assert.deepEqual(fs.readdirSync(run).sort(), ['containerd.pid']);
    assert.match(out.text, /stopping etcd \(pid \d+\)/);
  } finally {
    for (const p of [ours, child]) if (p.exitCode === null) p.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
