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

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const ZERO_TIME = '1970-01-01T00:00:00Z';
const text = (v: bigint | Uint8Array) => Buffer.from(v as Uint8Array).toString('utf8');

function scalar(spec: FieldSpec, f: WireField): unknown {
  switch (spec.type) {
    case 'string':
      return text(f.value);
    case 'bytes':
      return Buffer.from(f.value as Uint8Array).toString('base64');
    case 'bool':
      return (f.value as bigint) !== 0n;
    case 'int':
      return Number(BigInt.asIntN(64, f.value as bigint));
    case 'time': {
      const t = decodeMessage('Time', f.value as Uint8Array) as { seconds?: number };
      return new Date((t.seconds ?? 0) * 1000).toISOString().replace('.000Z', 'Z');
    }
    default:
      return decodeMessage(spec.type, f.value as Uint8Array);
  }
}

/** Decodes one message by its schema name; unknown field numbers are skipped, as protobuf does. */
export function decodeMessage(name: string, buf: Uint8Array): Record<string, unknown> {
  const schema = MESSAGES[name];
  if (!schema) throw new ProtobufDecodeError(`no protobuf schema for ${name}`);
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.no];
    if (!spec) continue;
    if (spec.map) {
      const entry = readFields(f.value as Uint8Array);
      const k = entry.find((e) => e.no === 1);
      const v = entry.find((e) => e.no === 2);
      const m = (out[spec.name] ??= {}) as Record<string, unknown>;
      m[k ? text(k.value) : ''] = v ? scalar({ ...spec, map: false }, v) : spec.type === 'bytes' ? '' : '';
    } else if (spec.repeated) {
      ((out[spec.name] ??= []) as unknown[]).push(scalar(spec, f));
    } else {
      const v = scalar(spec, f);
      // Go writes non-pointer fields even when zero; JSON omits them (omitempty), so do we.
      if (v === '' || v === ZERO_TIME) continue;
      out[spec.name] = v;
    }
  }
  return out;
}

/** 1. check the magic; 2. read runtime.Unknown; 3. decode `raw` as the message of (apiVersion, kind). */
export function decodeK8sProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw new ProtobufDecodeError('the protobuf body lacks the "k8s\\0" prefix');
  try {
    const unknown = readFields(body.subarray(4));
    const typeMeta = unknown.find((f) => f.no === 1);
    const raw = unknown.find((f) => f.no === 2);
    const tm = typeMeta ? readFields(typeMeta.value as Uint8Array) : [];
    const apiVersion = text(tm.find((f) => f.no === 1)?.value ?? new Uint8Array());
    const kind = text(tm.find((f) => f.no === 2)?.value ?? new Uint8Array());
    const message = KIND_MESSAGES[`${apiVersion}/${kind}`];
    if (!message) throw new ProtobufDecodeError(`protobuf bodies of ${apiVersion} ${kind} are not supported yet; send JSON (kubectl apply -f)`, true);
    return { apiVersion, kind, ...decodeMessage(message, raw ? (raw.value as Uint8Array) : new Uint8Array()) };
  } catch (err) {
    if (err instanceof WireError) throw new ProtobufDecodeError(`malformed protobuf body: ${err.message}`);
    throw err;
  }
}
