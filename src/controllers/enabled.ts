// `--controllers` parsing as upstream: "*" enables the defaults, "foo" enables foo, "-foo" disables foo.

/** Resolves the enabled controller names from the flag value, known names and the default-on set. */
export function enabledControllers(flag: string, known: string[], defaults: string[] = known): string[] {
  const items = flag.split(',').map((s) => s.trim()).filter(Boolean);
  const star = items.includes('*');
  const enabled = new Set<string>(star ? defaults : []);
  for (const it of items) {
    if (it === '*') continue;
    const off = it.startsWith('-');
    const name = off ? it.slice(1) : it;
    if (!known.includes(name)) throw new Error(`unknown controller ${JSON.stringify(name)}; known: ${known.join(', ')}`);
    if (off) enabled.delete(name);
    else enabled.add(name);
  }
  return known.filter((n) => enabled.has(n));
}
