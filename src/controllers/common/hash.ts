// Pod-template hashing as upstream controllers do it: FNV-32a over a canonical encoding of the
// template (plus the collision count), rendered with the "safe" alphabet of apimachinery's rand.
import type { PodTemplateSpec } from '../../api/types/index.js';

/** The alphabet upstream uses so hashes never spell words or look like numbers. */
export const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-32a of bytes, continuing from `seed` (the offset basis by default). */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Maps every character of `s` to a safe alphanumeric by its code modulo the alphabet size. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted, so equal values always encode to the same bytes. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * Hash of a pod template as the `pod-template-hash` / `controller-revision-hash` label value.
 * Steps: 1. FNV-32a over the canonical JSON of the template; 2. if a collision count is given,
 * continue hashing its 4 little-endian bytes (as upstream writes uint32 into the hasher);
 * 3. render the decimal sum through the safe alphabet.
 */
export function computeHash(template: PodTemplateSpec | unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
