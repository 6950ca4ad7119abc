// Resource quantity parsing for the scheduler's hot path: "100m" → 0.1, "1Gi" → 1073741824.
// Kept local (and tiny) so plugin code never allocates a Quantity object per comparison.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Contract: parses a Kubernetes quantity into base units; throws on malformed input. */
export function parseQuantityValue(s: string | number): number {
  if (typeof s === 'number') return s;
  const m = RE.exec(s.trim());
  if (!m) throw new Error(`invalid quantity ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suf = m[3] ?? '';
  return n * (BINARY[suf] ?? DECIMAL[suf] ?? 1);
}

/** Contract: milli-units rounded up (as Kubernetes rounds MilliValue), e.g. cpu "0.1" → 100. */
export function milliOf(s: string | number): number {
  return Math.ceil(Math.round(parseQuantityValue(s) * 1e9) / 1e6);
}

/** Contract: integer base units rounded up (memory, storage, pods, extended resources). */
export function valueOf(s: string | number): number {
  return Math.ceil(parseQuantityValue(s) - 1e-9);
}
