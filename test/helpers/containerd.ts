// Real containerd (CRI) and the local image registry for e2e tests: started through the same
// hack/ scripts a user runs, and stopped at the end when the test started them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes.js';

export const CRI_ENDPOINT = 'unix:///run/containerd/containerd.sock';

function pidAlive(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

export interface RuntimeFixture {
  stop(): Promise<void>;
}

/** 1. containerd via hack/containerd.sh; 2. registry + images via hack/images.sh; stop() ends what this call started. */
export async function ensureRuntime(): Promise<RuntimeFixture> {
  const ctrPidFile = '/run/kubets/containerd.pid';
  const regPidFile = '/run/kubets/registry.pid';
  const hadContainerd = pidAlive(ctrPidFile) !== undefined || fs.existsSync('/run/containerd/containerd.sock');
  const hadRegistry = pidAlive(regPidFile) !== undefined;
  execFileSync('bash', [path.join(ROOT, 'hack', 'containerd.sh')], { stdio: 'inherit' });
  execFileSync('bash', [path.join(ROOT, 'hack', 'images.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    async stop() {
      if (!hadRegistry) await stopPid(pidAlive(regPidFile));
      if (!hadContainerd) await stopPid(pidAlive(ctrPidFile));
    },
  };
}
