// The container runtime and image registry under `kubets up`: prepared by the hack/ scripts a
// user can also run by hand, owned by this `up` only when it started them (then their pids go to
// `<state-dir>/run/` so `kubets down` stops them, and nothing else), and kept running: a
// containerd that stops answering is started again.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { readPidFile } from './pidfile.js';

const exec = promisify(execFile);

/** Where hack/containerd.sh and hack/images.sh record the daemons they start. */
export const SCRIPT_PID_FILES = { containerd: '/run/kubets/containerd.pid', registry: '/run/kubets/registry.pid' } as const;

export type RuntimeDaemon = keyof typeof SCRIPT_PID_FILES;

export interface RuntimeOptions {
  /** The repository root (hack/ lives there). */
  root: string;
  /**
   * KUBETS_STATE_DIR for the scripts (containerd's root lives under it); undefined runs them with
   * the host default (/var/lib/kubets), as for a containerd this `up` found running.
   */
  stateDir: string | undefined;
  runDir: string;
  out: NodeJS.WritableStream;
  logger: Logger;
  clock: Clock;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The pid a script started during this call (its pid file changed to a live process), if any (pure over two reads). */
export function startedPid(before: number | undefined, after: number | undefined): number | undefined {
  return after !== undefined && after !== before ? after : undefined;
}

/**
 * Runs one hack/ script; when it started its daemon, records the pid in `<runDir>/<daemon>.pid`
 * (ownership for `kubets down`). Returns whether this call started it.
 */
export async function prepare(daemon: RuntimeDaemon, o: RuntimeOptions): Promise<boolean> {
  const script = daemon === 'containerd' ? 'containerd.sh' : 'images.sh';
  const before = readPidFile(SCRIPT_PID_FILES[daemon]);
  const t0 = o.clock.now();
  await exec('bash', [path.join(o.root, 'hack', script)], { env: o.stateDir ? { ...process.env, KUBETS_STATE_DIR: o.stateDir } : { ...process.env }, maxBuffer: 16 * 1024 * 1024 });
  const pid = startedPid(before, readPidFile(SCRIPT_PID_FILES[daemon]));
  if (pid === undefined) {
    o.out.write(`  using the ${daemon} already running on this host (${secs(o.clock.now() - t0)})\n`);
    return false;
  }
  fs.writeFileSync(path.join(o.runDir, `${daemon}.pid`), String(pid));
  o.out.write(`  started ${daemon} (pid ${pid}, ${secs(o.clock.now() - t0)})\n`);
  return true;
}

/**
 * Keeps containerd answering: every `intervalMs` (5 s) asks `answers()`; after two misses in a row it
 * runs hack/containerd.sh again (which starts one; this `up` then owns it). Resolves on abort.
 */
export async function keepContainerd(o: RuntimeOptions & { answers: () => Promise<boolean>; intervalMs?: number }, signal: AbortSignal): Promise<void> {
  let misses = 0;
  while (!signal.aborted) {
    await o.clock.sleep(o.intervalMs ?? 5000, signal).catch(() => {});
    if (signal.aborted) return;
    misses = (await o.answers().catch(() => false)) ? 0 : misses + 1;
    if (misses < 2) continue;
    o.out.write('[containerd] not answering; starting it again\n');
    o.logger.warn('containerd is not answering; running hack/containerd.sh');
    try {
      await prepare('containerd', o);
      misses = 0;
    } catch (err) {
      o.logger.warn({ err: (err as Error).message }, 'could not restart containerd');
    }
  }
}
