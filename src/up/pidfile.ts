// The `up` pid file: one `kubets up` per state dir. A second `up` while one runs is refused with
// a clear message; a stale file (process gone) is taken over.
import fs from 'node:fs';

/** Whether a pid names a live process (signal 0). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What to do with an existing pid file (pure): take it over, or refuse because `pid` runs. */
export function pidFileVerdict(content: string | undefined, self: number, alive: (pid: number) => boolean): { take: true } | { take: false; pid: number } {
  const pid = Number((content ?? '').trim());
  if (!content || !Number.isInteger(pid) || pid <= 0 || pid === self || !alive(pid)) return { take: true };
  return { take: false, pid };
}

/**
 * Claims `file` for this process. Returns undefined on success, or the pid of the live owner.
 * The write is exclusive (O_EXCL) so two `up`s started together cannot both win.
 */
export function claimPidFile(file: string, self = process.pid, alive = processAlive): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(self), { flag: 'wx' });
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let content: string | undefined;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      content = undefined;
    }
    const v = pidFileVerdict(content, self, alive);
    if (!v.take) return v.pid;
    fs.rmSync(file, { force: true });
  }
  return undefined;
}

/** The pid in `file` when it names a live process. */
export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
