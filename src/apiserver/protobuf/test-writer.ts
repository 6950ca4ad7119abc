// A tiny protobuf writer for tests: builds the bodies kubectl would send, field by field.
// Each helper returns the bytes of one encoded field; concatenate them to form a message.

type Bytes = number[];

function varint(n: bigint): Bytes {
  let v = BigInt.asUintN(64, n); // negative int32/int64 go out as 10-byte two's complement, as Go writes them
  const out: Bytes = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (no: number, wireType: number) => varint(BigInt((no << 3) | wireType));

/** A varint field (int32/int64/bool/enum). */
export const int = (no: number, n: number | bigint | boolean): Bytes => [...tag(no, 0), ...varint(BigInt(typeof n === 'boolean' ? Number(n) : n))];
/** A length-delimited field holding raw bytes. */
export const bytes = (no: number, b: Uint8Array | Bytes): Bytes => [...tag(no, 2), ...varint(BigInt(b.length)), ...b];
/** A string field. */
export const str = (no: number, s: string): Bytes => bytes(no, [...Buffer.from(s, 'utf8')]);
/** A nested message field made of the given encoded fields. */
export const msg = (no: number, ...fields: Bytes[]): Bytes => bytes(no, fields.flat());
/** One map entry (key = 1, value = 2); a string value or the encoded fields of a message value. */
export const entry = (no: number, key: string, v: string | Bytes[]): Bytes => msg(no, str(1, key), typeof v === 'string' ? str(2, v) : msg(2, ...v));
/** A packed repeated varint field. */
export const packed = (no: number, ns: number[]): Bytes => bytes(no, ns.flatMap((n) => varint(BigInt(n))));
/** resource.Quantity {string = 1}. */
export const quantity = (no: number, q: string): Bytes => msg(no, str(1, q));
/** intstr.IntOrString with every field written, as Go does. */
export const intOrString = (no: number, v: number | string): Bytes =>
  typeof v === 'number' ? msg(no, int(1, 0), int(2, v), str(3, '')) : msg(no, int(1, 1), int(2, 0), str(3, v));

/** The k8s envelope: "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Bytes[]): Uint8Array {
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, apiVersion), str(2, kind)), ...msg(2, ...raw), ...str(3, ''), ...str(4, '')]);
}

/** ObjectMeta the way Go writes it: every string field, generation 0 and a zero Time included. */
export const objectMeta = (no: number, name: string, ...extra: Bytes[]): Bytes =>
  msg(no, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8), ...extra);
