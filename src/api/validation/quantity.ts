// Resource quantity syntax (upstream `resource.Quantity` parsing) for validation: a quantity is a
// signed decimal number with an optional binary (Ki..Ei), decimal (n,u,m,k,M,G,T,P,E) or exponent suffix.

/** The regex quoted in upstream's parse error message. */
export const quantityRegexText = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const numberRe = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a quantity to its value in base units, or undefined when the syntax is invalid. */
export function parseQuantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?[0-9.]+)(.*)$/.exec(q.trim() === q ? q : '');
  if (!m) return undefined;
  const [, num, suffix] = m as unknown as [string, string, string];
  if (!numberRe.test(num)) return undefined;
  const n = Number(num);
  if (suffix in binary) return n * binary[suffix]!;
  if (suffix in decimal) return n * decimal[suffix]!;
  const e = /^[eE]([+-]?\d+)$/.exec(suffix);
  if (e) return n * 10 ** Number(e[1]);
  return undefined;
}
