// A narrow process-runner interface so iptables/conntrack/sysctl calls can be faked and, in
// tests and benchmarks, prefixed with `ip netns exec <ns>` to act inside a network namespace.
import { spawn } from 'node:child_process';

/** Result of one command. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one command run. */
export interface RunOptions {
  /** Do not keep stdout (result.stdout is ''). */
  discardStdout?: boolean;
}

/** Runs a command with optional stdin; resolves with its exit code and output (never rejects on a non-zero exit). */
export interface CommandRunner {
  run(cmd: string, args: string[], stdin?: string, opts?: RunOptions): Promise<ExecResult>;
}

/** Runs real processes; with `netns` every command runs under `ip netns exec <netns>`. */
export class ProcessRunner implements CommandRunner {
  constructor(private readonly opts: { netns?: string } = {}) {}
  run(cmd: string, args: string[], stdin?: string, opts: RunOptions = {}): Promise<ExecResult> {
    const [file, argv] = this.opts.netns ? ['ip', ['netns', 'exec', this.opts.netns, cmd, ...args]] : [cmd, args];
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { stdio: ['pipe', opts.discardStdout ? 'ignore' : 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(stdin ?? '');
    });
  }
}

/** An error from a failed command, carrying its stderr. */
export class CommandError extends Error {
  constructor(readonly cmd: string, readonly result: ExecResult) {
    super(`${cmd} exited ${result.code}: ${result.stderr.trim().slice(0, 2000)}`);
    this.name = 'CommandError';
  }
}
