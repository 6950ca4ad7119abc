// Minimal GNU-style flag parsing for the subcommands: --name value, --name=value, boolean --flag.

/** Parsed flags: every value is a string; booleans given bare are "true". `_` holds positional arguments. */
export interface ParsedFlags {
  values: Map<string, string>;
  positional: string[];
}

/**
 * Parses argv. `booleans` lists flags that never take a value.
 * Throws an Error naming the flag when a value is missing or a flag is unknown (when `known` is given).
 */
export function parseFlags(argv: string[], opts: { booleans?: string[]; known?: string[] } = {}): ParsedFlags {
  const values = new Map<string, string>();
  const positional: string[] = [];
  const booleans = new Set(opts.booleans ?? []);
  const known = opts.known ? new Set([...opts.known, ...booleans]) : undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (known && !known.has(name)) throw new Error(`unknown flag: --${name}`);
    if (eq >= 0) values.set(name, arg.slice(eq + 1));
    else if (booleans.has(name)) values.set(name, 'true');
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`flag needs a value: --${name}`);
      values.set(name, next);
      i++;
    }
  }
  return { values, positional };
}

/** Reads a flag as string with a default. */
export function flagString(f: ParsedFlags, name: string, def: string): string {
  return f.values.get(name) ?? def;
}

/** Reads an optional flag. */
export function flagOptional(f: ParsedFlags, name: string): string | undefined {
  return f.values.get(name);
}

/** Reads a flag as integer; throws on a non-integer. */
export function flagInt(f: ParsedFlags, name: string, def: number): number {
  const v = f.values.get(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Reads a boolean flag ("true"/"false"). */
export function flagBool(f: ParsedFlags, name: string, def: boolean): boolean {
  const v = f.values.get(name);
  if (v === undefined) return def;
  return v === 'true' || v === '1';
}

/** Parses a Go-style duration ("10s", "1m30s", "500ms") into milliseconds. */
export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  if (consumed !== s.length || s.length === 0) throw new Error(`invalid duration ${JSON.stringify(s)}`);
  return total;
}
