// Parses an upstream EncryptionConfiguration (apiserver.config.k8s.io/v1) into provider lists
// per resource. The first provider of a rule encrypts; all of them decrypt.
import { parse as parseYaml } from 'yaml';
import { aescbcProvider, identityProvider, secretboxProvider, type EncryptionProvider, type RandomBytes } from './providers.js';

interface KeySpec { name?: string; secret?: string }
interface ProviderSpec {
  aescbc?: { keys?: KeySpec[] };
  secretbox?: { keys?: KeySpec[] };
  identity?: Record<string, never>;
  aesgcm?: unknown;
  kms?: unknown;
}

/** One rule: the resources it covers (`secrets`, `deployments.apps`, `*.apps`, `*.*`) and its providers in order. */
export interface EncryptionRule {
  resources: string[];
  providers: EncryptionProvider[];
}

export class EncryptionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionConfigError';
  }
}

function keys(kind: string, spec: { keys?: KeySpec[] } | undefined): { name: string; secret: Buffer }[] {
  const list = spec?.keys ?? [];
  if (!list.length) throw new EncryptionConfigError(`${kind}: at least one key is required`);
  return list.map((k, i) => {
    if (!k.name) throw new EncryptionConfigError(`${kind}.keys[${i}].name: Required value`);
    if (k.name.includes(':')) throw new EncryptionConfigError(`${kind}.keys[${i}].name: Invalid value: "${k.name}": should not contain ':'`);
    if (!k.secret) throw new EncryptionConfigError(`${kind}.keys[${i}].secret: Required value`);
    return { name: k.name, secret: Buffer.from(k.secret, 'base64') };
  });
}

/** Parses the YAML/JSON text of an EncryptionConfiguration. */
export function parseEncryptionConfig(text: string, random?: RandomBytes): EncryptionRule[] {
  const doc = parseYaml(text) as { apiVersion?: string; kind?: string; resources?: { resources?: string[]; providers?: ProviderSpec[] }[] } | null;
  if (!doc || doc.kind !== 'EncryptionConfiguration') throw new EncryptionConfigError('kind must be EncryptionConfiguration');
  if (doc.apiVersion !== 'apiserver.config.k8s.io/v1' && doc.apiVersion !== 'apiserver.config.k8s.io/v1beta1') {
    throw new EncryptionConfigError(`unsupported apiVersion ${String(doc.apiVersion)}`);
  }
  return (doc.resources ?? []).map((r, i) => {
    if (!r.resources?.length) throw new EncryptionConfigError(`resources[${i}].resources: Required value`);
    if (!r.providers?.length) throw new EncryptionConfigError(`resources[${i}].providers: Required value`);
    const providers: EncryptionProvider[] = [];
    for (const p of r.providers) {
      if (p.aescbc) for (const k of keys('aescbc', p.aescbc)) providers.push(aescbcProvider(k.name, k.secret, random));
      else if (p.secretbox) for (const k of keys('secretbox', p.secretbox)) providers.push(secretboxProvider(k.name, k.secret, random));
      else if (p.identity) providers.push(identityProvider);
      else throw new EncryptionConfigError(`resources[${i}]: unsupported provider ${Object.keys(p).join(',')} (supported: aescbc, secretbox, identity)`);
    }
    return { resources: r.resources.map((x) => x.toLowerCase()), providers };
  });
}

/** True when `pattern` (`secrets`, `deployments.apps`, `*.apps`, `*.*`, `*.`) covers the resource. */
export function ruleMatches(pattern: string, group: string, resource: string): boolean {
  if (pattern === '*.*') return true;
  const dot = pattern.indexOf('.');
  const res = dot < 0 ? pattern : pattern.slice(0, dot);
  const grp = dot < 0 ? '' : pattern.slice(dot + 1);
  if (grp !== group) return false;
  return res === '*' || res === resource;
}
