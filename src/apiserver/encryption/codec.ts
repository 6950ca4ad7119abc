// The etcd value codec that encrypts at rest: JSON first, then the first provider of the rule
// covering the key's resource; reads try every provider whose prefix the value carries.
import type { KubeObject } from '../../api/types/index.js';
import { jsonCodec, type Codec } from '../storage/codec.js';
import { storagePrefix } from '../registry/resources.js';
import { ruleMatches, type EncryptionRule } from './config.js';
import { DecryptError, type EncryptionProvider } from './providers.js';

const ENC_PREFIX = Buffer.from('k8s:enc:');

export interface EncryptingCodecOptions {
  rules: EncryptionRule[];
  /** The etcd prefix (`/registry`). */
  etcdPrefix: string;
  /** Every resource stored, to map a key back to its resource. */
  resources: { group: string; resource: string }[];
}

/** Contract: as Codec; values of covered resources are sealed by the first provider of their rule. */
export class EncryptingCodec implements Codec {
  private readonly byPrefix: { prefix: string; providers: EncryptionProvider[] }[] = [];

  constructor(o: EncryptingCodecOptions) {
    for (const r of o.resources) {
      // The first rule that names the resource wins, as upstream.
      const rule = o.rules.find((x) => x.resources.some((p) => ruleMatches(p, r.group, r.resource)));
      if (rule) this.byPrefix.push({ prefix: storagePrefix(o.etcdPrefix, r), providers: rule.providers });
    }
    // Longest prefix first so `/registry/apps/deployments/` beats a shorter one.
    this.byPrefix.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  private providersFor(key: string): EncryptionProvider[] | undefined {
    return this.byPrefix.find((p) => key.startsWith(p.prefix))?.providers;
  }

  encode(key: string, obj: KubeObject): Buffer {
    const plain = jsonCodec.encode(key, obj);
    const providers = this.providersFor(key);
    return providers ? providers[0]!.seal(plain) : plain;
  }

  /** Stale: not sealed by the first provider of the key's rule (an old key, or plaintext under encryption). */
  isStale(key: string, value: Buffer): boolean {
    const providers = this.providersFor(key);
    if (!providers) return false;
    const first = providers[0]!;
    if (!first.prefix) return value.subarray(0, ENC_PREFIX.length).equals(ENC_PREFIX);
    return !value.subarray(0, first.prefix.length).equals(Buffer.from(first.prefix));
  }

  decode(key: string, value: Buffer): KubeObject {
    const providers = this.providersFor(key);
    if (!providers || !value.subarray(0, ENC_PREFIX.length).equals(ENC_PREFIX)) {
      // Unencrypted data: readable when the resource is not covered or identity is listed.
      if (providers && !providers.some((p) => p.prefix === '')) throw new DecryptError(`no matching prefix found for ${key}: the value is not encrypted and identity is not configured`);
      return jsonCodec.decode(key, value);
    }
    let lastErr: Error | undefined;
    for (const p of providers) {
      if (!p.prefix || !value.subarray(0, p.prefix.length).equals(Buffer.from(p.prefix))) continue;
      try {
        return jsonCodec.decode(key, p.open(value));
      } catch (err) {
        lastErr = err as Error;
      }
    }
    throw new DecryptError(`cannot decrypt ${key}: ${lastErr?.message ?? 'no configured key matches its prefix'}`);
  }
}
