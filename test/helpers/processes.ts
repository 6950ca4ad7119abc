// Real component processes for e2e tests: the built `bin/kubets` started as a child process,
// always killed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const KUBETS = path.join(ROOT, 'bin', 'kubets');

export interface ProcFixture {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs `kubets <args>` (needs `npm run build` first); output is kept for diagnostics.
 * KUBETS_NODE_ARGS adds node flags NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
export function startKubets(args: string[], env: Record<string, string> = {}): ProcFixture {
  const nodeArgs = (process.env.KUBETS_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const proc = spawn(process.execPath, [...nodeArgs, KUBETS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(t);
    },
  };
}

export interface ApiProcFixture extends ProcFixture {
  url: string;
  kubeconfig: string;
  dir: string;
}

/** Starts `kubets apiserver` as a process on a free port and writes a kubeconfig for it. */
export async function startApiServerProcess(etcdEndpoint: string, extra: string[] = []): Promise<ApiProcFixture> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-e2e-'));
  // No controller-manager creates `default` ServiceAccounts here, so ServiceAccount admission is off unless asked for.
  const admission = extra.some((a) => a.startsWith('--disable-admission-plugins')) ? [] : ['--disable-admission-plugins', 'ServiceAccount'];
  const p = startKubets(['apiserver', '--etcd-servers', etcdEndpoint, '--insecure-port', String(port), ...admission, ...extra], { KUBETS_LOG_LEVEL: 'warn' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (p.proc.exitCode !== null) throw new Error(`apiserver exited: ${p.output()}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`apiserver not ready: ${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, renderKubeconfig({ server: url }));
  return {
    ...p,
    url,
    kubeconfig,
    dir,
    async stop() {
      await p.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
