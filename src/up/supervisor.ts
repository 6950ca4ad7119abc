// Supervises child processes: starts them, prefixes and files their output, restarts a crashed
// child with exponential back-off, and stops them all (SIGTERM, then SIGKILL) on request.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** One supervised program. */
export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Resolves when the child is ready (e.g. a health endpoint answers). */
  ready?: (signal: AbortSignal) => Promise<void>;
}

export interface SupervisorOptions {
  logDir: string;
  /** Pid files go here so `kubets down` can find the children. */
  runDir: string;
  logger: Logger;
  clock: Clock;
  /** Where prefixed child output goes (the terminal). */
  out: NodeJS.WritableStream;
  /** Prefix child output lines in `out` (false keeps the terminal quiet; files always get it). */
  echo: boolean;
}

interface Running {
  spec: ChildSpec;
  proc?: ChildProcess;
  restarts: number;
  stopping: boolean;
  startedAt: number;
}

/** A child that ran at least this long before crashing restarts without accumulated back-off. */
export const STABLE_RUN_MS = 60_000;

/** Back-off before restart number `restarts` (1-based): 1 s, 2 s, 4 s … capped at 30 s (pure). */
export function restartDelayMs(restarts: number): number {
  return Math.min(1000 * 2 ** Math.min(Math.max(restarts, 1) - 1, 5), 30_000);
}

export class Supervisor {
  private readonly children = new Map<string, Running>();
  private stopped = false;

  constructor(private readonly o: SupervisorOptions) {
    fs.mkdirSync(o.logDir, { recursive: true });
    fs.mkdirSync(o.runDir, { recursive: true });
  }

  /** Starts a child and waits for its readiness check. */
  async start(spec: ChildSpec, signal: AbortSignal): Promise<void> {
    const r: Running = { spec, restarts: 0, stopping: false, startedAt: this.o.clock.now() };
    this.children.set(spec.name, r);
    this.launch(r);
    if (spec.ready) await spec.ready(signal);
  }

  private launch(r: Running): void {
    const { spec } = r;
    const logFile = fs.createWriteStream(path.join(this.o.logDir, `${spec.name}.log`), { flags: 'a' });
    const proc = spawn(spec.command, spec.args, { env: { ...process.env, ...(spec.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    r.proc = proc;
    r.startedAt = this.o.clock.now();
    if (proc.pid) fs.writeFileSync(path.join(this.o.runDir, `${spec.name}.pid`), String(proc.pid));
    const pipe = (stream: NodeJS.ReadableStream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => {
        logFile.write(c);
        if (!this.o.echo) return;
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          this.o.out.write(`[${spec.name}] ${buf.slice(0, i)}\n`);
          buf = buf.slice(i + 1);
        }
      });
    };
    pipe(proc.stdout!);
    pipe(proc.stderr!);
    proc.on('exit', (code, sig) => {
      logFile.end();
      if (r.stopping || this.stopped) return;
      if (this.o.clock.now() - r.startedAt >= STABLE_RUN_MS) r.restarts = 0;
      r.restarts++;
      const delay = restartDelayMs(r.restarts);
      this.o.logger.warn({ child: spec.name, code, signal: sig, restartInMs: delay }, 'child exited, restarting');
      this.o.out.write(`[${spec.name}] exited (${sig ?? `code ${code}`}); restarting in ${delay / 1000}s (restart ${r.restarts}); log: ${path.join(this.o.logDir, `${spec.name}.log`)}\n`);
      void this.o.clock.sleep(delay).then(() => {
        if (!r.stopping && !this.stopped) this.launch(r);
      });
    });
  }

  /** Stops one child: SIGTERM to its process group, SIGKILL after `graceMs`. */
  async stopChild(name: string, graceMs = 10_000): Promise<void> {
    const r = this.children.get(name);
    if (!r?.proc || r.proc.exitCode !== null || r.proc.signalCode !== null) return;
    r.stopping = true;
    const proc = r.proc;
    const exited = new Promise<void>((res) => proc.once('exit', () => res()));
    try {
      process.kill(-proc.pid!, 'SIGTERM');
    } catch {
      proc.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
    fs.rmSync(path.join(this.o.runDir, `${name}.pid`), { force: true });
  }

  /** How many times a child was restarted after crashing since its last stable run. */
  restarts(name: string): number {
    return this.children.get(name)?.restarts ?? 0;
  }

  /** The pid of a child's current process. */
  pid(name: string): number | undefined {
    return this.children.get(name)?.proc?.pid;
  }

  /** Restarts one child (used by tests and operators). */
  async restartChild(name: string): Promise<void> {
    const r = this.children.get(name);
    if (!r) return;
    await this.stopChild(name);
    r.stopping = false;
    this.launch(r);
  }

  /** Stops every child in reverse start order. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const name of [...this.children.keys()].reverse()) await this.stopChild(name);
  }
}
