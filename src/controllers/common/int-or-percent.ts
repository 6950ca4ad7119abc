// intstr.GetScaledValueFromIntOrPercent: "25%" of a total, rounded up or down; plain integers as-is.
import type { IntOrString } from '../../api/types/index.js';

/** Resolves an IntOrString against `total`; throws on a malformed percentage. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean, def: IntOrString = 0): number {
  const x = v ?? def;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) {
    if (/^\d+$/.test(x)) return Number(x);
    throw new Error(`invalid value for IntOrString: ${JSON.stringify(x)}`);
  }
  const p = Number(m[1]);
  const raw = (p * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}
