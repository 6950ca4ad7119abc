// `kubets down`: stops what `kubets up` started and leaves the host clean — no processes,
// sandboxes, mounts, CNI interfaces, network namespaces or iptables chains of ours.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CriClient } from '../kubelet/cri/grpc-client.js';
import { LABEL_MANAGED } from '../kubelet/runtime-state.js';
import { flagString, parseFlags } from '../util/flags.js';
import { RUNTIME_PID_FILES, stopLeftoverChildren, stopPidFile, stopProcess } from '../up/leftovers.js';
import { processAlive } from '../up/pidfile.js';
import { leftoverCniChains, removeChainsRestore } from '../up/cni-chains.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** containerd or the registry when this state's `up` started it (hack/ scripts own their command lines). */
async function stopRuntimeDaemon(file: string, out: NodeJS.WritableStream): Promise<void> {
  if (!fs.existsSync(file)) return;
  const pid = Number(fs.readFileSync(file, 'utf8'));
  if (processAlive(pid)) {
    out.write(`stopping ${path.basename(file, '.pid')} (pid ${pid})\n`);
    await stopProcess(pid);
  }
  fs.rmSync(file, { force: true });
}

function quiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    /* nothing to undo */
  }
}

/**
 * 1. the supervisor (it stops its children), then any child left; 2. every kubets sandbox via CRI,
 *    and CNI chains of the kubets network whose sandbox is gone;
 * 3. the proxy's iptables chains; 4. containerd and the registry when `up` started them (their
 * pid files in `<state-dir>/run`; a runtime that was already running is left alone);
 * 5. the CNI bridge, IPAM state and leftover mounts.
 */
export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: ['state-dir'] });
  const stateDir = path.resolve(flagString(f, 'state-dir', '/var/lib/kubets'));
  const runDir = path.join(stateDir, 'run');
  const out = process.stdout;
  // 1. processes
  await stopPidFile(path.join(runDir, 'up.pid'), stateDir, out);
  await stopLeftoverChildren(runDir, stateDir, out);
  // 2. sandboxes (containers go with them)
  if (fs.existsSync('/run/containerd/containerd.sock')) {
    const cri = new CriClient({ endpoint: 'unix:///run/containerd/containerd.sock', timeoutMs: 60_000 });
    try {
      const sandboxes = await cri.listPodSandbox({ labels: { [LABEL_MANAGED]: 'true' } });
      if (sandboxes.length) out.write(`removing ${sandboxes.length} pod sandboxes\n`);
      for (const s of sandboxes) {
        await cri.stopPodSandbox(s.id).catch(() => {});
        await cri.removePodSandbox(s.id).catch(() => {});
      }
      // CNI masquerade chains of the kubets network whose sandbox is gone (CNI DEL never ran).
      const live = new Set((await cri.listPodSandbox({})).map((s) => s.id));
      const left = leftoverCniChains(execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }), 'kubets', live);
      if (left.length) {
        out.write(`removing ${left.length} leftover CNI chains\n`);
        try {
          execFileSync('iptables-restore', ['--noflush'], { input: removeChainsRestore(left), stdio: ['pipe', 'ignore', 'ignore'] });
        } catch {
          /* reported by what is left */
        }
      }
    } catch (err) {
      out.write(`could not reach containerd: ${(err as Error).message}\n`);
    } finally {
      cri.close();
    }
  }
  // 3. iptables chains written by the proxy
  out.write('removing service rules\n');
  quiet(process.execPath, [path.join(here, '..', '..', 'bin', 'kubets'), 'proxy', '--cleanup']);
  // 4. runtime daemons our scripts started
  for (const file of RUNTIME_PID_FILES) await stopRuntimeDaemon(path.join(runDir, file), out);
  // 5. network and mounts
  quiet('ip', ['link', 'del', 'kubets0']);
  fs.rmSync('/var/lib/cni/networks/kubets', { recursive: true, force: true });
  const kubeletDir = path.join(stateDir, 'kubelet');
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(kubeletDir + '/'));
  for (const m of mounts.sort().reverse()) quiet('umount', [m]);
  out.write('down\n');
  return 0;
}
