// Protocol-buffer wire format reading (pure): fields of a message as (number, wire type, value).

export interface WireField {
  no: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  type: number;
  /** varint/fixed values as bigint; length-delimited as bytes. */
  value: bigint | Uint8Array;
}

/** Thrown on malformed input. */
export class WireError extends Error {}

function varint(buf: Uint8Array, pos: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.i >= buf.length) throw new WireError('truncated varint');
    const b = buf[pos.i++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return result;
    shift += 7n;
    if (shift > 63n) throw new WireError('varint too long');
  }
}

/** Splits a message into its fields, in wire order. */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = Number(varint(buf, pos));
    const no = tag >>> 3;
    const type = tag & 7;
    if (no === 0) throw new WireError('field number 0');
    switch (type) {
      case 0:
        out.push({ no, type, value: varint(buf, pos) });
        break;
      case 1:
        if (pos.i + 8 > buf.length) throw new WireError('truncated fixed64');
        out.push({ no, type, value: Buffer.from(buf.subarray(pos.i, pos.i + 8)).readBigUInt64LE() });
        pos.i += 8;
        break;
      case 2: {
        const len = Number(varint(buf, pos));
        if (pos.i + len > buf.length) throw new WireError('truncated bytes');
        out.push({ no, type, value: buf.subarray(pos.i, pos.i + len) });
        pos.i += len;
        break;
      }
      case 5:
        if (pos.i + 4 > buf.length) throw new WireError('truncated fixed32');
        out.push({ no, type, value: BigInt(Buffer.from(buf.subarray(pos.i, pos.i + 4)).readUInt32LE()) });
        pos.i += 4;
        break;
      default:
        throw new WireError(`unsupported wire type ${type}`);
    }
  }
  return out;
}
