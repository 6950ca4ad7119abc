// Runs the real kubectl against a test cluster with a fresh discovery cache.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl bound to one kubeconfig and its own cache dir. */
export class Kubectl {
  readonly cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubectl-cache-'));
  constructor(private readonly kubeconfig: string) {}

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args];
  }

  /** Runs kubectl to completion; never throws on a non-zero exit. */
  run(args: string[], input?: string, timeoutMs = 60_000): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile('kubectl', this.args(args), { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1 : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      });
      if (input !== undefined) {
        child.stdin!.end(input);
      }
    });
  }

  /** Runs and requires exit 0. */
  async ok(args: string[], input?: string): Promise<string> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Starts a long-running kubectl (e.g. `get -w`, `logs -f`). */
  spawn(args: string[]): { proc: ChildProcess; output: () => string; stop: () => void } {
    const proc = spawn('kubectl', this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    return { proc, output: () => out, stop: () => proc.kill('SIGKILL') };
  }

  cleanup(): void {
    fs.rmSync(this.cacheDir, { recursive: true, force: true });
  }
}
