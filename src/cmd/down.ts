// `kubets down`: stops what `kubets up` started (found by pid files in the state dir).
import fs from 'node:fs';
import path from 'node:path';
import { flagString, parseFlags } from '../util/flags.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: ['state-dir'] });
  const runDir = path.join(path.resolve(flagString(f, 'state-dir', '/var/lib/kubets')), 'run');
  if (!fs.existsSync(runDir)) {
    process.stdout.write('nothing to stop\n');
    return 0;
  }
  // 1. the supervisor itself first, so it does not restart its children
  const files = fs.readdirSync(runDir).filter((n) => n.endsWith('.pid'));
  const order = [...files.filter((n) => n === 'up.pid'), ...files.filter((n) => n !== 'up.pid' && n !== 'etcd.pid'), ...files.filter((n) => n === 'etcd.pid')];
  for (const file of order) {
    const pid = Number(fs.readFileSync(path.join(runDir, file), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) {
      fs.rmSync(path.join(runDir, file), { force: true });
      continue;
    }
    process.stdout.write(`stopping ${file.replace(/\.pid$/, '')} (pid ${pid})\n`);
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      process.kill(pid, 'SIGTERM');
    }
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
    fs.rmSync(path.join(runDir, file), { force: true });
  }
  process.stdout.write('down\n');
  return 0;
}
