// The iptables side of the proxy: whole transactions through `iptables-restore --noflush` and
// reads through `iptables-save` of one backend (nft or legacy), never per-rule iptables calls.
import { CommandError, type CommandRunner } from './exec.js';
import { backendCommands, type BackendCommands, type IptablesBackend } from './backend.js';

export type Table = 'nat' | 'filter';

/** Applies restore transactions and reads tables. Implementations: ExecIptables, FakeIptables. */
export interface Iptables {
  /** Applies `text` atomically with `--noflush` (chains not named are kept); rejects on failure with nothing applied. */
  restore(text: string): Promise<void>;
  /** The `iptables-save` text of one table; with `chains`, only those chains (same format, cheaper on big tables). */
  save(table: Table, chains?: string[]): Promise<string>;
  /** Whether a table-wide `-S` makes a commit naming many chains cheaper (iptables-nft; see restore.ts). */
  readonly listFirstHelps: boolean;
}

/** Runs the real binaries of one backend (see backend.ts) through a CommandRunner. */
export class ExecIptables implements Iptables {
  readonly listFirstHelps: boolean;
  private readonly cmd: BackendCommands;
  constructor(private readonly runner: CommandRunner, readonly backend: IptablesBackend = 'nft') {
    this.cmd = backendCommands(backend);
    this.listFirstHelps = backend === 'nft';
  }
  async restore(text: string): Promise<void> {
    // A table-wide `-S` in the text (see restore.ts) lists the table to stdout: discarded.
    const r = await this.runner.run(this.cmd.restore, ['-w', '5', '--noflush'], text, { discardStdout: true });
    if (r.code !== 0) throw new CommandError(this.cmd.restore, r);
  }
  async save(table: Table, chains?: string[]): Promise<string> {
    if (!chains) {
      const r = await this.runner.run(this.cmd.save, ['-t', table]);
      if (r.code !== 0) throw new CommandError(this.cmd.save, r);
      return r.stdout;
    }
    // `iptables -S CHAIN` fetches only that chain; its "-P"/"-N" lines become save headers.
    const lines = [`*${table}`];
    for (const c of chains) {
      const r = await this.runner.run(this.cmd.iptables, ['-w', '5', '-t', table, '-S', c]);
      if (r.code !== 0) throw new CommandError(this.cmd.iptables, r);
      for (const l of r.stdout.split('\n')) {
        if (l.startsWith('-A ')) lines.push(l);
        else if (l.startsWith('-P ') || l.startsWith('-N ')) lines.push(`:${l.split(' ')[1]} ${l.startsWith('-P ') ? l.split(' ')[2] : '-'} [0:0]`);
      }
    }
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }
}
