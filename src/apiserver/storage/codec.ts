// Value encoding for etcd: JSON by default; encryption at rest wraps this (security issue).
import type { KubeObject } from '../../api/types/index.js';

/** Contract: `decode(key, encode(key, o))` deep-equals `o`. The key lets a codec bind values to keys. */
export interface Codec {
  encode(key: string, obj: KubeObject): Buffer;
  decode(key: string, value: Buffer): KubeObject;
  /** True when `value` is not in the form `encode` writes now (e.g. sealed with an older key): rewriting it is not a no-op. */
  isStale?(key: string, value: Buffer): boolean;
}

export const jsonCodec: Codec = {
  encode: (_key, obj) => Buffer.from(JSON.stringify(obj)),
  decode: (_key, value) => JSON.parse(value.toString()) as KubeObject,
};
