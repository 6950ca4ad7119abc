import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { aescbcProvider, identityProvider, secretboxProvider, DecryptError } from './providers.js';
import { parseEncryptionConfig, ruleMatches } from './config.js';
import { EncryptingCodec } from './codec.js';
import { RESOURCES } from '../registry/resources.js';

const key32 = Buffer.alloc(32, 7);
const b64 = key32.toString('base64');
const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'd' }, data: { password: Buffer.from('hunter2').toString('base64') } };

test('aescbc: prefix, random IV, PKCS#7, round trip; a wrong key fails', () => {
  const p = aescbcProvider('k1', key32);
  const plain = Buffer.from('hello world, sixteen+ bytes');
  const a = p.seal(plain);
  const b = p.seal(plain);
  assert.ok(a.toString('latin1').startsWith('k8s:enc:aescbc:v1:k1:'));
  assert.notDeepEqual(a, b, 'a fresh IV every time');
  assert.equal((a.length - 'k8s:enc:aescbc:v1:k1:'.length - 16) % 16, 0);
  assert.deepEqual(p.open(a), plain);
  // Decrypt by hand: IV = first 16 bytes after the prefix, AES-256-CBC, PKCS#7.
  const body = a.subarray('k8s:enc:aescbc:v1:k1:'.length);
  const d = createDecipheriv('aes-256-cbc', key32, body.subarray(0, 16));
  assert.deepEqual(Buffer.concat([d.update(body.subarray(16)), d.final()]), plain);
  assert.throws(() => aescbcProvider('k1', Buffer.alloc(32, 8)).open(a), DecryptError);
  assert.throws(() => aescbcProvider('k', Buffer.alloc(10)), /16, 24 or 32/);
});

test('secretbox: prefix, nonce, round trip; tampering fails', () => {
  const p = secretboxProvider('k2', key32);
  const plain = Buffer.from('{"a":1}');
  const s = p.seal(plain);
  assert.ok(s.toString('latin1').startsWith('k8s:enc:secretbox:v1:k2:'));
  assert.equal(s.length, 'k8s:enc:secretbox:v1:k2:'.length + 24 + 16 + plain.length);
  assert.deepEqual(p.open(s), plain);
  const bad = Buffer.from(s);
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => p.open(bad), DecryptError);
});

test('config parsing and resource patterns', () => {
  const rules = parseEncryptionConfig(`
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, configmaps]
    providers:
      - aescbc: { keys: [{ name: new, secret: ${b64} }, { name: old, secret: ${Buffer.alloc(16, 1).toString('base64')} }] }
      - secretbox: { keys: [{ name: sb, secret: ${b64} }] }
      - identity: {}
`);
  assert.equal(rules.length, 1);
  assert.deepEqual(rules[0]!.providers.map((p) => p.prefix), ['k8s:enc:aescbc:v1:new:', 'k8s:enc:aescbc:v1:old:', 'k8s:enc:secretbox:v1:sb:', '']);
  assert.throws(() => parseEncryptionConfig('kind: Nope'), /EncryptionConfiguration/);
  assert.throws(() => parseEncryptionConfig('apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{kms: {}}]}]'), /unsupported provider/);
  const table: [string, string, string, boolean][] = [
    ['secrets', '', 'secrets', true],
    ['secrets', 'apps', 'secrets', false],
    ['deployments.apps', 'apps', 'deployments', true],
    ['*.apps', 'apps', 'replicasets', true],
    ['*.', '', 'configmaps', true],
    ['*.*', 'batch', 'jobs', true],
  ];
  for (const [pat, g, r, want] of table) assert.equal(ruleMatches(pat, g, r), want, `${pat} ~ ${g}/${r}`);
});

test('codec: the first provider writes, every provider reads, other resources stay plain', () => {
  const cfg = (providers: string) => parseEncryptionConfig(`apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n${providers}`);
  const aes = `      - aescbc: { keys: [{ name: k1, secret: ${b64} }] }\n`;
  const sb = `      - secretbox: { keys: [{ name: k2, secret: ${b64} }] }\n`;
  const id = '      - identity: {}\n';
  const codec = (p: string) => new EncryptingCodec({ rules: cfg(p), etcdPrefix: '/registry', resources: RESOURCES });
  const key = '/registry/secrets/d/s';
  const plainCodec = codec(id + aes);
  const plain = plainCodec.encode(key, secret);
  assert.equal(plain.toString(), JSON.stringify(secret));
  const c1 = codec(aes + id);
  const enc = c1.encode(key, secret);
  assert.ok(enc.toString('latin1').startsWith('k8s:enc:aescbc:v1:k1:'));
  assert.ok(!enc.toString('latin1').includes('aHVudGVyMg'));
  assert.deepEqual(c1.decode(key, enc), secret);
  assert.deepEqual(c1.decode(key, plain), secret, 'identity reads old plaintext');
  // rotation: secretbox first, aescbc still decrypts
  const c2 = codec(sb + aes);
  assert.deepEqual(c2.decode(key, enc), secret);
  const enc2 = c2.encode(key, secret);
  assert.ok(enc2.toString('latin1').startsWith('k8s:enc:secretbox:v1:k2:'));
  // old key dropped: the aescbc value is unreadable, the secretbox one is fine
  const c3 = codec(sb);
  assert.throws(() => c3.decode(key, enc), DecryptError);
  assert.throws(() => c3.decode(key, plain), /identity is not configured/);
  assert.deepEqual(c3.decode(key, enc2), secret);
  assert.equal(c2.isStale(key, enc), true, 'aescbc value under a secretbox-first config');
  assert.equal(c2.isStale(key, enc2), false);
  assert.equal(c1.isStale(key, plain), true);
  assert.equal(plainCodec.isStale(key, enc), true, 'identity first: encrypted values get decrypted on rewrite');
  // configmaps are not covered
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
  assert.equal(c3.encode('/registry/configmaps/d/c', cm).toString(), JSON.stringify(cm));
  assert.equal(identityProvider.prefix, '');
});
