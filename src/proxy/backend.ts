// Which iptables the proxy writes through: the nf_tables one (iptables-nft) or the legacy
// x_tables one (iptables-legacy). `auto` follows the host's `iptables` (its Debian alternative),
// so `iptables -t nat -S` on the node always lists our rules; the host's choice is never changed.
import type { CommandRunner } from './exec.js';

/** A concrete backend. */
export type IptablesBackend = 'nft' | 'legacy';

/** The `--iptables-backend` flag's values. */
export type BackendChoice = 'auto' | IptablesBackend;

/** The three binaries of one backend. */
export interface BackendCommands {
  /** Single commands (`-S CHAIN`, `-t nat -F`). */
  iptables: string;
  restore: string;
  save: string;
}

/** The binaries of `backend` (named explicitly, not through the `iptables` alternative). */
export function backendCommands(backend: IptablesBackend): BackendCommands {
  return {
    iptables: `iptables-${backend}`,
    restore: `iptables-${backend}-restore`,
    save: `iptables-${backend}-save`,
  };
}

/** Parses a `--iptables-backend` value; throws on anything else. */
export function parseBackendChoice(s: string): BackendChoice {
  if (s === 'auto' || s === 'nft' || s === 'legacy') return s;
  throw new Error(`--iptables-backend must be auto, nft or legacy (got ${JSON.stringify(s)})`);
}

/**
 * The backend named by `iptables -V` output: "iptables v1.8.9 (nf_tables)" is nft, "(legacy)"
 * is legacy, and a version without a suffix (before 1.8) is legacy; undefined if not iptables.
 */
export function parseIptablesVersion(text: string): IptablesBackend | undefined {
  const m = /^iptables v\d+\.\d+(?:\.\d+)?\S*(?:\s+\(([^)]+)\))?/m.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === 'nf_tables') return 'nft';
  if (m[1] === undefined || m[1] === 'legacy') return 'legacy';
  return undefined;
}

/**
 * The concrete backend for `choice`: as given, or for `auto` the one `iptables -V` reports
 * (run through `runner`, so inside the proxy's network namespace if it has one). Rejects when
 * `auto` cannot tell (no iptables, unknown output).
 */
export async function resolveBackend(choice: BackendChoice, runner: CommandRunner): Promise<IptablesBackend> {
  if (choice !== 'auto') return choice;
  const r = await runner.run('iptables', ['-V']);
  const b = r.code === 0 ? parseIptablesVersion(r.stdout + r.stderr) : undefined;
  if (!b) throw new Error(`cannot tell the iptables backend from \`iptables -V\` (exit ${r.code}): ${(r.stdout + r.stderr).trim().slice(0, 200)}`);
  return b;
}
