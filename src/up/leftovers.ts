// Processes an earlier `kubets up` left behind. Its children run in their own process groups, so
// they outlive an `up` killed with SIGKILL and keep the ports, the etcd data dir and the node;
// the next `up` (and `kubets down`) stops them by their pid files. A pid file is trusted only
// when its process still runs a command line of this state dir (pids are reused).
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './pidfile.js';

/** Daemons `up` owns only when it started them (hack/ scripts); never stopped as leftovers. */
export const RUNTIME_PID_FILES = ['containerd.pid', 'registry.pid'];

/**
 * Whether a command line (argv) is one `up` of `stateDir` started (pure): a child names a path
 * in the state dir (etcd's data dir, a kubeconfig, a certificate); `up` itself runs `kubets up`.
 */
export function ownedBy(argv: string[], stateDir: string): boolean {
  const dir = stateDir.replace(/\/+$/, '');
  if (argv.some((a) => a === dir || a.startsWith(dir + '/') || a.endsWith('=' + dir) || a.includes('=' + dir + '/'))) return true;
  const i = argv.findIndex((a) => /(^|\/)kubets$/.test(a));
  return i >= 0 && argv[i + 1] === 'up';
}

/** argv of a live process from /proc, or undefined when it is gone. */
export function processArgv(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** SIGTERM to the process group (else the process), SIGKILL after `graceMs`; resolves when it is gone. */
export async function stopProcess(pid: number, graceMs = 15_000): Promise<void> {
  if (!Number.isInteger(pid) || pid <= 1 || !processAlive(pid)) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!processAlive(pid)) return;
  signal('SIGKILL');
  const hard = Date.now() + 5000;
  while (processAlive(pid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Stops the process of one pid file when it is still ours, then removes the file. Returns the
 * pid it stopped, if any.
 */
export async function stopPidFile(file: string, stateDir: string, out: NodeJS.WritableStream, what = ''): Promise<number | undefined> {
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  const argv = Number.isInteger(pid) && pid > 1 && processAlive(pid) ? processArgv(pid) : undefined;
  let stopped: number | undefined;
  if (argv && ownedBy(argv, stateDir)) {
    out.write(`stopping ${path.basename(file, '.pid')}${what} (pid ${pid})\n`);
    await stopProcess(pid);
    stopped = pid;
  }
  fs.rmSync(file, { force: true });
  return stopped;
}

/** Stops every child process named by a pid file in `runDir` (not `up.pid`, not the runtime daemons). */
export async function stopLeftoverChildren(runDir: string, stateDir: string, out: NodeJS.WritableStream, what = ''): Promise<number[]> {
  if (!fs.existsSync(runDir)) return [];
  const stopped: number[] = [];
  for (const name of fs.readdirSync(runDir).filter((n) => n.endsWith('.pid') && n !== 'up.pid' && !RUNTIME_PID_FILES.includes(n))) {
    const pid = await stopPidFile(path.join(runDir, name), stateDir, out, what);
    if (pid !== undefined) stopped.push(pid);
  }
  return stopped;
}
