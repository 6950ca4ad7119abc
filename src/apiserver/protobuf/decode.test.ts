import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeK8sProtobuf, ProtobufDecodeError } from './decode.js';

/** A tiny protobuf writer for the test (varints and length-delimited fields only). */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const bytesField = (no: number, b: Uint8Array | number[]) => [...varint((no << 3) | 2), ...varint(b.length), ...b];
const str = (no: number, s: string) => bytesField(no, [...Buffer.from(s)]);
const entry = (no: number, k: string, v: string | Uint8Array) => bytesField(no, [...str(1, k), ...(typeof v === 'string' ? str(2, v) : bytesField(2, [...v]))]);
const envelope = (apiVersion: string, kind: string, raw: number[]) => Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytesField(1, [...str(1, apiVersion), ...str(2, kind)]), ...bytesField(2, raw)]);

test('decodes Namespace, ConfigMap and Secret bodies into the JSON shape', () => {
  const meta = bytesField(1, [...str(1, 'x'), ...str(3, 'ns'), ...entry(11, 'app', 'web'), ...str(6, '')]);
  assert.deepEqual(decodeK8sProtobuf(envelope('v1', 'Namespace', [...meta])), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'ns', labels: { app: 'web' } } });
  assert.deepEqual(decodeK8sProtobuf(envelope('v1', 'ConfigMap', [...meta, ...entry(2, 'a', 'b'), ...entry(2, 'c', 'd')])), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns', labels: { app: 'web' } }, data: { a: 'b', c: 'd' } });
  const s = decodeK8sProtobuf(envelope('v1', 'Secret', [...meta, ...entry(2, 'pw', Buffer.from('s3cr3t')), ...str(3, '')]));
  assert.deepEqual(s.data, { pw: Buffer.from('s3cr3t').toString('base64') });
  assert.equal(s.type, undefined, 'an empty (unset) type is left for defaulting');
});

test('refuses kinds without a schema and malformed bodies', () => {
  assert.throws(() => decodeK8sProtobuf(envelope('apps/v1', 'Deployment', [])), (e: unknown) => e instanceof ProtobufDecodeError && e.unsupportedKind);
  assert.throws(() => decodeK8sProtobuf(Uint8Array.from([1, 2, 3, 4])), ProtobufDecodeError);
  assert.throws(() => decodeK8sProtobuf(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x40])), ProtobufDecodeError);
});
