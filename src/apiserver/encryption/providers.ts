// Encryption-at-rest providers in the upstream wire format: every encrypted value starts with
// `k8s:enc:<provider>:v1:<keyname>:`, followed by the provider's envelope.
//   aescbc:    IV (16 random bytes) + AES-CBC ciphertext with PKCS#7 padding
//   secretbox: nonce (24 random bytes) + XSalsa20-Poly1305 box (tweetnacl)
//   identity:  the plain value, no prefix
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';

/** One way of sealing values. Contract: `open(seal(x))` equals x; `prefix` starts every sealed value (empty for identity). */
export interface EncryptionProvider {
  readonly prefix: string;
  seal(plain: Buffer): Buffer;
  /** Opens a value that starts with `prefix` (the prefix still attached); throws when it cannot. */
  open(sealed: Buffer): Buffer;
}

/** Raised when a stored value cannot be decrypted with any configured key. */
export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

/** Random bytes source (injected in tests). */
export type RandomBytes = (n: number) => Buffer;

export const identityProvider: EncryptionProvider = {
  prefix: '',
  seal: (plain) => plain,
  open: (sealed) => sealed,
};

/** AES-CBC with a 16, 24 or 32 byte key. */
export function aescbcProvider(keyName: string, key: Buffer, random: RandomBytes = randomBytes): EncryptionProvider {
  if (![16, 24, 32].includes(key.length)) throw new Error(`aescbc key "${keyName}" must be 16, 24 or 32 bytes, got ${key.length}`);
  const algo = `aes-${key.length * 8}-cbc`;
  const prefix = `k8s:enc:aescbc:v1:${keyName}:`;
  return {
    prefix,
    seal(plain) {
      const iv = random(16);
      const c = createCipheriv(algo, key, iv); // PKCS#7 padding is the node default
      return Buffer.concat([Buffer.from(prefix), iv, c.update(plain), c.final()]);
    },
    open(sealed) {
      const body = sealed.subarray(prefix.length);
      if (body.length < 32 || body.length % 16 !== 0) throw new DecryptError('aescbc: the stored data is not a whole number of blocks');
      try {
        const d = createDecipheriv(algo, key, body.subarray(0, 16));
        return Buffer.concat([d.update(body.subarray(16)), d.final()]);
      } catch (err) {
        throw new DecryptError(`aescbc: ${(err as Error).message}`);
      }
    },
  };
}

/** XSalsa20-Poly1305 with a 32 byte key. */
export function secretboxProvider(keyName: string, key: Buffer, random: RandomBytes = randomBytes): EncryptionProvider {
  if (key.length !== nacl.secretbox.keyLength) throw new Error(`secretbox key "${keyName}" must be 32 bytes, got ${key.length}`);
  const prefix = `k8s:enc:secretbox:v1:${keyName}:`;
  const k = new Uint8Array(key);
  return {
    prefix,
    seal(plain) {
      const nonce = random(nacl.secretbox.nonceLength);
      const box = nacl.secretbox(new Uint8Array(plain), new Uint8Array(nonce), k);
      return Buffer.concat([Buffer.from(prefix), nonce, Buffer.from(box)]);
    },
    open(sealed) {
      const body = sealed.subarray(prefix.length);
      const n = nacl.secretbox.nonceLength;
      if (body.length < n + nacl.secretbox.overheadLength) throw new DecryptError('secretbox: the stored data is too short');
      const out = nacl.secretbox.open(new Uint8Array(body.subarray(n)), new Uint8Array(body.subarray(0, n)), k);
      if (!out) throw new DecryptError('secretbox: authentication failed');
      return Buffer.from(out);
    },
  };
}
