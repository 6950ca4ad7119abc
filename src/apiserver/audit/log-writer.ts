// Appends audit lines to a file and rotates it like upstream's log backend (lumberjack): at
// `maxSizeMB` the file is renamed to `<name>-<UTC timestamp><ext>` and a new one started;
// backups beyond `maxBackups` or older than `maxAgeDays` are removed (0 = keep).
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../util/clock.js';

export interface LogWriterOptions {
  path: string;
  maxSizeMB?: number;
  maxAgeDays?: number;
  maxBackups?: number;
  clock: Clock;
}

/** A line sink. Contract: `write` appends one line (the newline is added); `close` flushes. */
export interface LineSink {
  write(line: string): void;
  close(): Promise<void>;
}

/** `2006-01-02T15-04-05.000` in UTC, as lumberjack names backups. */
export function backupStamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '').replace(/:/g, '-');
}

/** The time in a backup's name (ms), from `...-2006-01-02T15-04-05.000...`. */
function stampOf(file: string): number {
  const m = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})/.exec(file);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : 0;
}

export class RotatingFileWriter implements LineSink {
  private fd: number;
  private size: number;
  private readonly dir: string;
  private readonly base: string;
  private readonly ext: string;

  constructor(private readonly o: LogWriterOptions) {
    this.dir = path.dirname(o.path);
    this.ext = path.extname(o.path);
    this.base = path.basename(o.path, this.ext);
    fs.mkdirSync(this.dir, { recursive: true });
    this.fd = fs.openSync(o.path, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  /** Synchronous append keeps lines whole and ordered even when the process dies right after. */
  write(line: string): void {
    const buf = Buffer.from(line + '\n');
    const max = (this.o.maxSizeMB ?? 0) * 1024 * 1024;
    if (max > 0 && this.size + buf.length > max && this.size > 0) this.rotate();
    fs.writeSync(this.fd, buf);
    this.size += buf.length;
  }

  /** 1. close and rename the current file; 2. open a new one; 3. prune old backups. */
  private rotate(): void {
    fs.closeSync(this.fd);
    let name = path.join(this.dir, `${this.base}-${backupStamp(this.o.clock.now())}${this.ext}`);
    for (let i = 1; fs.existsSync(name); i++) name = path.join(this.dir, `${this.base}-${backupStamp(this.o.clock.now())}.${i}${this.ext}`);
    fs.renameSync(this.o.path, name);
    this.fd = fs.openSync(this.o.path, 'a', 0o600);
    this.size = 0;
    this.prune();
  }

  /** The backups of this log, newest first. */
  backups(): string[] {
    const re = new RegExp(`^${this.base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}(\\.\\d+)?${this.ext.replace('.', '\\.')}$`);
    return fs.readdirSync(this.dir).filter((f) => re.test(f)).sort().reverse().map((f) => path.join(this.dir, f));
  }

  private prune(): void {
    const list = this.backups();
    const cutoff = this.o.clock.now() - (this.o.maxAgeDays ?? 0) * 86_400_000;
    list.forEach((f, i) => {
      const tooMany = (this.o.maxBackups ?? 0) > 0 && i >= this.o.maxBackups!;
      const tooOld = (this.o.maxAgeDays ?? 0) > 0 && stampOf(path.basename(f)) < cutoff;
      if (tooMany || tooOld) fs.rmSync(f, { force: true });
    });
  }

  async close(): Promise<void> {
    fs.closeSync(this.fd);
  }
}
