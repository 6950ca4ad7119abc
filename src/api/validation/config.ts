// ConfigMap and Secret validation (upstream ValidateConfigMap / ValidateSecret and their updates):
// key syntax, 1 MiB size, type-specific keys, `immutable` honored on update.
import { type FieldError, Path, forbidden, invalid, required, tooLong } from './errors.js';
import { deepEqual, obj, str } from './json.js';
import { maxLenError, regexError } from './names.js';

/** Upstream MaxSecretSize / MaxConfigMapSize: 1 MiB. */
export const MaxDataSize = 1024 * 1024;

const configKeyFmt = '[-._a-zA-Z0-9]+';
const configKeyRe = /^[-._a-zA-Z0-9]+$/;

/** Upstream `IsConfigMapKey` messages. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLenError(253));
  if (!configKeyRe.test(key))
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

function validateKeys(data: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(obj(data))) for (const m of isConfigMapKey(k)) errs.push(invalid(fld.key(k), k, m));
  return errs;
}

/** Validates a ConfigMap. */
export function validateConfigMap(cm: Record<string, unknown>): FieldError[] {
  const errs = [...validateKeys(cm.data, new Path('data')), ...validateKeys(cm.binaryData, new Path('binaryData'))];
  let size = 0;
  const data = obj(cm.data);
  for (const v of Object.values(data)) size += Buffer.byteLength(String(v));
  for (const [k, v] of Object.entries(obj(cm.binaryData))) {
    if (k in data) errs.push(invalid(new Path('binaryData'), k, 'duplicate of key present in data'));
    size += Buffer.from(String(v), 'base64').length;
  }
  if (size > MaxDataSize) errs.push(tooLong(new Path(''), MaxDataSize));
  return errs;
}

function immutableUpdate(next: Record<string, unknown>, old: Record<string, unknown>, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable !== true) return errs;
  if (next.immutable !== true) errs.push(forbidden(new Path('immutable'), 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!deepEqual(next[f] ?? {}, old[f] ?? {})) errs.push(forbidden(new Path(f), 'field is immutable when `immutable` is set'));
  return errs;
}

/** ConfigMap update: data frozen once `immutable: true`. */
export function validateConfigMapUpdate(cm: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  return [...validateConfigMap(cm), ...immutableUpdate(cm, old, ['data', 'binaryData'])];
}

const base64Re = /^[A-Za-z0-9+/]*={0,2}$/;

/** Validates a Secret (data keys, base64 values, size, type-specific required keys). */
export function validateSecret(s: Record<string, unknown>): FieldError[] {
  const dp = new Path('data');
  const errs = validateKeys(s.data, dp);
  const data = obj(s.data);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    const text = str(v) ?? '';
    if (!base64Re.test(text) || text.length % 4 !== 0) errs.push(invalid(dp.key(k), '<secret contents redacted>', 'illegal base64 data'));
    size += Buffer.from(text, 'base64').length;
  }
  for (const [k, v] of Object.entries(obj(s.stringData))) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(new Path('stringData').key(k), k, m));
    size += Buffer.byteLength(String(v));
  }
  if (size > MaxDataSize) errs.push(tooLong(dp, MaxDataSize));
  const has = (k: string) => k in data || k in obj(s.stringData);
  // Type-specific required keys.
  switch (s.type) {
    case 'kubernetes.io/service-account-token': {
      const ann = obj(obj(s.metadata).annotations);
      if (!str(ann['kubernetes.io/service-account.name']))
        errs.push(required(new Path('metadata').child('annotations').key('kubernetes.io/service-account.name'), ''));
      break;
    }
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) errs.push(required(dp.key('.dockercfg'), ''));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) errs.push(required(dp.key('.dockerconfigjson'), ''));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required(dp.key('username'), ''), required(dp.key('password'), ''));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!has('ssh-privatekey')) errs.push(required(dp.key('ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(dp.key('tls.crt'), ''));
      if (!has('tls.key')) errs.push(required(dp.key('tls.key'), ''));
      break;
    default:
      break;
  }
  return errs;
}

/** Secret update: type immutable; data frozen once `immutable: true`. */
export function validateSecretUpdate(s: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const errs = validateSecret(s);
  if ((s.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.push(invalid(new Path('type'), s.type ?? '', 'field is immutable'));
  errs.push(...immutableUpdate(s, old, ['data']));
  return errs;
}

