// resource.Quantity (upstream k8s.io/apimachinery/pkg/api/resource): "100m", "1.5Gi", "1e3".
// Values are held exactly as mantissa × 10^exponent (BigInt), so rounding and comparison match
// upstream; `parseQuantity` gives a float for convenience.

/** The three serialization formats a quantity keeps from its input. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: value = mantissa × 10^exponent. `format` is the family of the input suffix. */
export interface Quantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

/** The regex upstream quotes in its parse error message. */
export const QUANTITY_FORMAT_REGEX = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const FORMAT_REGEX = QUANTITY_FORMAT_REGEX;

/** A string that is not a quantity; the message matches upstream's. */
export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = new Map(Object.entries(BINARY_SUFFIXES).map(([s, p]) => [p, s]));

const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const EXPONENT_RE = /^[eE]([+-]?\d+)$/;

/** Larger or smaller magnitudes than 10^±MAX_EXPONENT are refused. */
const MAX_EXPONENT = 1000;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Parses a quantity string exactly; throws QuantityParseError. */
export function parseQuantityExact(input: string): Quantity {
  // 1. Split number and suffix at the first character that cannot be part of the number.
  const s = input.trim();
  if (s.length === 0 || s !== input) throw new QuantityParseError(`quantities must match the regular expression '${FORMAT_REGEX}'`);
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i++;
  while (i < s.length && /[0-9.]/.test(s[i]!)) i++;
  const numPart = s.slice(0, i);
  const suffix = s.slice(i);
  // 2. The number: digits with at most one decimal point and at least one digit.
  const m = NUMBER_RE.exec(numPart);
  if (!m || (m[2]!.length === 0 && (m[3] ?? '').length === 0)) {
    throw new QuantityParseError(`quantities must match the regular expression '${FORMAT_REGEX}'`);
  }
  const negative = m[1] === '-';
  const whole = m[2]!;
  const frac = m[3] ?? '';
  let mantissa = BigInt((whole + frac).replace(/^0+(?=\d)/, '') || '0');
  let exponent = -frac.length;
  // 3. The suffix: binary SI, decimal SI, or a decimal exponent.
  let format: QuantityFormat;
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    format = 'BinarySI';
    mantissa *= 1024n ** BigInt(BINARY_SUFFIXES[suffix]!);
  } else if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    format = 'DecimalSI';
    exponent += DECIMAL_SUFFIXES[suffix]!;
  } else {
    const e = EXPONENT_RE.exec(suffix);
    if (!e) throw new QuantityParseError("unable to parse quantity's suffix");
    format = 'DecimalExponent';
    exponent += Number(e[1]);
  }
  // 4. Bound the exponent so arithmetic on hostile input stays cheap.
  if (Math.abs(exponent) > MAX_EXPONENT) throw new QuantityParseError('quantity exponent is out of range');
  if (negative) mantissa = -mantissa;
  return normalize({ mantissa, exponent, format });
}

/** Removes trailing zeros from the mantissa so equal values have equal representations. */
function normalize(q: Quantity): Quantity {
  let { mantissa, exponent } = q;
  if (mantissa === 0n) return { mantissa: 0n, exponent: 0, format: q.format };
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { mantissa, exponent, format: q.format };
}

/** True when `s` parses as a quantity. */
export function isValidQuantity(s: string): boolean {
  try {
    parseQuantityExact(s);
    return true;
  } catch {
    return false;
  }
}

function toQuantity(q: string | Quantity): Quantity {
  return typeof q === 'string' ? parseQuantityExact(q) : q;
}

/**
 * Contract: the value in base units as a float when `q` is a quantity string (or a finite number, as
 * a JSON number may stand for a quantity); undefined otherwise. For validation and defaulting.
 */
export function quantityValueOrUndefined(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  try {
    return parseQuantity(q);
  } catch {
    return undefined;
  }
}

/** The value in base units as a float ("100m" → 0.1, "1Ki" → 1024); throws QuantityParseError. */
export function parseQuantity(s: string | Quantity): number {
  const q = toQuantity(s);
  return Number(`${q.mantissa}e${q.exponent}`);
}

/** value × 10^scale as an integer, rounded away from zero (upstream ScaledValue rounds up). */
function scaledValue(q: Quantity, scale: number): bigint {
  const e = q.exponent + scale;
  if (e >= 0) return q.mantissa * pow10(e);
  const d = pow10(-e);
  const quotient = q.mantissa / d;
  if (q.mantissa % d === 0n) return quotient;
  return q.mantissa > 0n ? quotient + 1n : quotient - 1n;
}

// Fast path for the common shape (an unsigned integer of at most 15 digits and an SI suffix, e.g.
// "100m", "16Mi", "32"): exact in float arithmetic, so no BigInt parse. The scheduler derives
// requests from every pod it sees through milliValue/intValue.
const SIMPLE_RE = /^(\d{1,15})(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;
const POW10 = Array.from({ length: 37 }, (_, i) => 10 ** i);

/** value × 10^scale rounded up for simple inputs; undefined when the exact path must decide. */
function fastScaled(s: string, scale: number): number | undefined {
  const m = SIMPLE_RE.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suf = m[2] ?? '';
  const bin = BINARY_SUFFIXES[suf];
  let v: number;
  if (bin !== undefined) v = n * 1024 ** bin * POW10[scale]!;
  else {
    const e = DECIMAL_SUFFIXES[suf]! + scale;
    // n < 2^52: an integer quotient is exact and a fractional one never rounds to an integer
    v = e >= 0 ? n * POW10[e]! : Math.ceil(n / POW10[-e]!);
  }
  return Number.isSafeInteger(v) ? v : undefined;
}

/** Integer thousandths ("100m" → 100, "0.1m" → 1, "1" → 1000), rounded up as upstream MilliValue. */
export function milliValue(s: string | Quantity): number {
  if (typeof s === 'string') { const v = fastScaled(s, 3); if (v !== undefined) return v; }
  return Number(scaledValue(toQuantity(s), 3));
}

/** Integer base units ("1.5" → 2, "1Gi" → 1073741824), rounded up as upstream Value. */
export function intValue(s: string | Quantity): number {
  if (typeof s === 'string') { const v = fastScaled(s, 0); if (v !== undefined) return v; }
  return Number(scaledValue(toQuantity(s), 0));
}

/** A quantity of `milli` thousandths ("DecimalSI" by default), e.g. for sums of requests. */
export function quantityFromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return normalize({ mantissa: BigInt(milli), exponent: -3, format });
}

/** Compares two quantities exactly: -1, 0 or 1. */
export function compareQuantities(a: string | Quantity, b: string | Quantity): -1 | 0 | 1 {
  const x = toQuantity(a);
  const y = toQuantity(b);
  const e = Math.min(x.exponent, y.exponent);
  const xs = x.mantissa * pow10(x.exponent - e);
  const ys = y.mantissa * pow10(y.exponent - e);
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}

/** Exact sum; the result keeps the first operand's format. */
export function addQuantities(a: string | Quantity, b: string | Quantity): Quantity {
  const x = toQuantity(a);
  const y = toQuantity(b);
  const e = Math.min(x.exponent, y.exponent);
  return normalize({ mantissa: x.mantissa * pow10(x.exponent - e) + y.mantissa * pow10(y.exponent - e), exponent: e, format: x.format });
}

/** Exact difference a − b; the result keeps the first operand's format. */
export function subtractQuantities(a: string | Quantity, b: string | Quantity): Quantity {
  const y = toQuantity(b);
  return addQuantities(a, { ...y, mantissa: -y.mantissa });
}

/**
 * The canonical string (upstream Quantity.String): no fractional digits, the largest suffix that
 * keeps the number an integer, values finer than 1n rounded up, BinarySI only for whole multiples
 * of 1024 (else DecimalSI). Accepts a quantity or a string to re-canonicalize ("0.5" → "500m").
 */
export function quantityToString(input: string | Quantity): string {
  const q = toQuantity(input);
  // 1. Round anything finer than nano up (away from zero) to nano.
  let mantissa = q.mantissa;
  let exponent = q.exponent;
  if (exponent < -9) {
    mantissa = scaledValue(q, 9);
    exponent = -9;
  }
  if (mantissa === 0n) return '0';
  // 2. Binary: whole numbers of at least 1024 use the largest power of 1024 that divides them.
  if (q.format === 'BinarySI' && exponent >= 0) {
    const value = mantissa * pow10(exponent);
    const abs = value < 0n ? -value : value;
    if (abs >= 1024n) {
      let power = 0;
      let v = value;
      while (power < 6 && v % 1024n === 0n) {
        v /= 1024n;
        power++;
      }
      return `${v}${BINARY_BY_POWER.get(power) ?? ''}`;
    }
  }
  // 3. Decimal: strip zeros, then lower the exponent to a multiple of 3 within [-9, 18].
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const r = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(r);
  exponent -= r;
  if (exponent > 18) {
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  if (q.format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}
