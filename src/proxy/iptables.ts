// The iptables side of the proxy: whole transactions through `iptables-restore --noflush` and
// reads through `iptables-save`, never per-rule iptables calls.
import { CommandError, type CommandRunner } from './exec.js';

export type Table = 'nat' | 'filter';

/** Applies restore transactions and reads tables. Implementations: ExecIptables, FakeIptables. */
export interface Iptables {
  /** Applies `text` atomically with `--noflush` (chains not named are kept); rejects on failure with nothing applied. */
  restore(text: string): Promise<void>;
  /** The `iptables-save` text of one table. */
  save(table: Table): Promise<string>;
}

/** Runs the real binaries through a CommandRunner. */
export class ExecIptables implements Iptables {
  constructor(private readonly runner: CommandRunner) {}
  async restore(text: string): Promise<void> {
    // A table-wide `-S` in the text (see restore.ts) lists the table to stdout: discarded.
    const r = await this.runner.run('iptables-restore', ['-w', '5', '--noflush'], text, { discardStdout: true });
    if (r.code !== 0) throw new CommandError('iptables-restore', r);
  }
  async save(table: Table): Promise<string> {
    const r = await this.runner.run('iptables-save', ['-t', table]);
    if (r.code !== 0) throw new CommandError('iptables-save', r);
    return r.stdout;
  }
}
