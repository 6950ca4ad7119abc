// Decodes the protobuf request bodies kubectl's typed commands send
// (`application/vnd.kubernetes.protobuf`: magic "k8s\0" + runtime.Unknown) into the JSON shape of
// the REST API, for the kinds described in schema.ts. Unknown kinds are refused clearly.
import { readFields, WireError, type WireField } from './wire.js';
import { MESSAGES, KIND_MESSAGES, type FieldSpec } from './schema.js';

/** The body cannot be decoded (the apiserver answers 415 or 400 with this message). */
export class ProtobufDecodeError extends Error {
  constructor(message: string, readonly unsupportedKind = false) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

/** Options for decoding; `onUnknown` hears of every field number the schema does not describe. */
export interface DecodeOptions {
  onUnknown?: (path: string, fieldNo: number) => void;
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const SCALARS = new Set(['string', 'bytes', 'bool', 'int', 'time', 'quantity', 'intOrString', 'stringList']);

function bytesOf(f: WireField): Uint8Array {
  if (!(f.value instanceof Uint8Array)) throw new WireError(`field ${f.no}: expected length-delimited, got wire type ${f.type}`);
  return f.value;
}
function numberOf(f: WireField): bigint {
  if (typeof f.value !== 'bigint') throw new WireError(`field ${f.no}: expected a number, got wire type ${f.type}`);
  return f.value;
}
const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
const int64 = (v: bigint) => Number(BigInt.asIntN(64, v));
const fieldOf = (fields: WireField[], no: number) => fields.filter((f) => f.no === no).pop();

/** Reads a run of varints (a packed repeated scalar). */
function packed(b: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let v = 0n;
  let shift = 0n;
  for (const byte of b) {
    v |= BigInt(byte & 0x7f) << shift;
    if (byte & 0x80) {
      shift += 7n;
      if (shift > 63n) throw new WireError('varint too long');
    } else {
      out.push(v);
      v = 0n;
      shift = 0n;
    }
  }
  if (shift !== 0n) throw new WireError('truncated packed varint');
  return out;
}

/** The JSON value of a scalar-typed field (or a special message such as Quantity). */
function scalar(type: string, f: WireField): unknown {
  switch (type) {
    case 'string':
      return text(bytesOf(f));
    case 'bytes':
      return Buffer.from(bytesOf(f)).toString('base64');
    case 'bool':
      return numberOf(f) !== 0n;
    case 'int':
      return int64(numberOf(f));
    case 'time': {
      const seconds = fieldOf(readFields(bytesOf(f)), 1);
      return new Date((seconds ? int64(numberOf(seconds)) : 0) * 1000).toISOString().replace('.000Z', 'Z');
    }
    case 'quantity': {
      const s = fieldOf(readFields(bytesOf(f)), 1);
      return s ? text(bytesOf(s)) : '';
    }
    case 'intOrString': {
      // {type=1 (0 Int, 1 String), intVal=2, strVal=3}; Go writes all three.
      const fs = readFields(bytesOf(f));
      const t = fieldOf(fs, 1);
      if (t && numberOf(t) === 1n) {
        const s = fieldOf(fs, 3);
        return s ? text(bytesOf(s)) : '';
      }
      const i = fieldOf(fs, 2);
      return i ? Number(BigInt.asIntN(32, numberOf(i))) : 0;
    }
    case 'stringList':
      return readFields(bytesOf(f))
        .filter((e) => e.no === 1)
        .map((e) => text(bytesOf(e)));
    default:
      throw new WireError(`unknown scalar type ${type}`);
  }
}

/** A field's value: a scalar, or a nested message decoded by its schema. */
function value(spec: FieldSpec, f: WireField, path: string, opts: DecodeOptions): unknown {
  return SCALARS.has(spec.type) ? scalar(spec.type, f) : decodeMessage(spec.type, bytesOf(f), opts, path);
}

/** The value a missing map value stands for. */
function zero(spec: FieldSpec, path: string, opts: DecodeOptions): unknown {
  if (spec.type === 'int') return 0;
  if (spec.type === 'bool') return false;
  if (spec.type === 'stringList') return [];
  return SCALARS.has(spec.type) ? '' : decodeMessage(spec.type, new Uint8Array(), opts, path);
}

/** True when JSON `omitempty` would drop this value (see the zero-value rule in schema.ts). */
function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === '1970-01-01T00:00:00Z';
}

/**
 * Decodes one message by its schema name. Unknown field numbers are skipped, as protobuf does
 * (and reported to `opts.onUnknown`). Zero values follow the rule documented in schema.ts.
 */
export function decodeMessage(name: string, buf: Uint8Array, opts: DecodeOptions = {}, path = name): Record<string, unknown> {
  const schema = MESSAGES[name];
  if (!schema) throw new ProtobufDecodeError(`no protobuf schema for ${name}`);
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.no];
    if (!spec) {
      opts.onUnknown?.(path, f.no);
      continue;
    }
    const here = `${path}.${spec.name}`;
    if (spec.skip) continue;
    if (spec.inline) {
      Object.assign(out, decodeMessage(spec.type, bytesOf(f), opts, path));
    } else if (spec.map) {
      const entry = readFields(bytesOf(f));
      const k = fieldOf(entry, 1);
      const v = fieldOf(entry, 2);
      const m = (out[spec.name] ??= {}) as Record<string, unknown>;
      m[k ? text(bytesOf(k)) : ''] = v ? value(spec, v, here, opts) : zero(spec, here, opts);
    } else if (spec.repeated) {
      const list = (out[spec.name] ??= []) as unknown[];
      // Scalars may come packed (one length-delimited run) or one per field.
      if ((spec.type === 'int' || spec.type === 'bool') && f.type === 2) {
        for (const n of packed(bytesOf(f))) list.push(spec.type === 'bool' ? n !== 0n : int64(n));
      } else list.push(value(spec, f, here, opts));
    } else {
      const v = value(spec, f, here, opts);
      if (!spec.keep && isZero(v)) continue;
      out[spec.name] = v;
    }
  }
  return out;
}

/** 1. check the magic; 2. read runtime.Unknown; 3. decode `raw` as the message of (apiVersion, kind). */
export function decodeK8sProtobuf(body: Uint8Array, opts: DecodeOptions = {}): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw new ProtobufDecodeError('the protobuf body lacks the "k8s\\0" prefix');
  try {
    const unknown = readFields(body.subarray(4));
    const typeMeta = fieldOf(unknown, 1);
    const raw = fieldOf(unknown, 2);
    const tm = typeMeta ? readFields(bytesOf(typeMeta)) : [];
    const apiVersionField = fieldOf(tm, 1);
    const kindField = fieldOf(tm, 2);
    const apiVersion = apiVersionField ? text(bytesOf(apiVersionField)) : '';
    const kind = kindField ? text(bytesOf(kindField)) : '';
    const message = KIND_MESSAGES[`${apiVersion}/${kind}`];
    if (!message) throw new ProtobufDecodeError(`protobuf bodies of ${apiVersion} ${kind} are not supported yet; send JSON (kubectl apply -f)`, true);
    return { apiVersion, kind, ...decodeMessage(message, raw ? bytesOf(raw) : new Uint8Array(), opts, kind) };
  } catch (err) {
    if (err instanceof WireError) throw new ProtobufDecodeError(`malformed protobuf body: ${err.message}`);
    throw err;
  }
}
