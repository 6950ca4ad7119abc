// Turns the apiserver's security flags into ApiServer options: encryption at rest, service-account
// token keys/issuer/audiences, and the audit log.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import type { ApiServerOptions } from '../apiserver/server.js';
import { parseEncryptionConfig } from '../apiserver/encryption/config.js';
import { parseAuditPolicy } from '../apiserver/audit/policy.js';
import { RotatingFileWriter } from '../apiserver/audit/log-writer.js';
import { publicKeysFromPem, signingKeyFromPem, type JwtPublicKey } from '../apiserver/serviceaccount/jwt.js';
import { realClock } from '../util/clock.js';
import { flagInt, flagOptional, parseDuration, type ParsedFlags } from '../util/flags.js';
import type { Logger } from '../util/logger.js';

export const SECURITY_FLAGS = [
  'encryption-provider-config', 'disable-admission-plugins',
  'service-account-key-file', 'service-account-signing-key-file', 'service-account-issuer', 'api-audiences', 'service-account-max-token-expiration',
  'audit-policy-file', 'audit-log-path', 'audit-log-maxsize', 'audit-log-maxage', 'audit-log-maxbackup',
];

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** Options for the flags given; throws with a clear message on unreadable or invalid files. */
export function securityOptions(f: ParsedFlags, log: Logger): Pick<ApiServerOptions, 'encryption' | 'serviceAccountTokens' | 'audit' | 'disableAdmissionPlugins'> {
  const out: Pick<ApiServerOptions, 'encryption' | 'serviceAccountTokens' | 'audit' | 'disableAdmissionPlugins'> = {};
  out.disableAdmissionPlugins = list(flagOptional(f, 'disable-admission-plugins'));
  // 1. encryption at rest
  const enc = flagOptional(f, 'encryption-provider-config');
  if (enc) out.encryption = parseEncryptionConfig(fs.readFileSync(enc, 'utf8'));
  // 2. service-account tokens
  const signingFile = flagOptional(f, 'service-account-signing-key-file');
  let signingKey;
  if (signingFile) signingKey = signingKeyFromPem(fs.readFileSync(signingFile));
  else {
    // No key configured: an in-memory key, so tokens work but do not survive a restart.
    log.warn('no --service-account-signing-key-file: service-account tokens are signed with an ephemeral key and stop verifying after a restart');
    signingKey = signingKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  const publicKeys: JwtPublicKey[] = list(flagOptional(f, 'service-account-key-file')).flatMap((file) => publicKeysFromPem(fs.readFileSync(file, 'utf8')));
  const issuers = list(flagOptional(f, 'service-account-issuer'));
  const maxExp = flagOptional(f, 'service-account-max-token-expiration');
  out.serviceAccountTokens = {
    signingKey,
    publicKeys,
    issuers: issuers.length ? issuers : [DEFAULT_ISSUER],
    audiences: list(flagOptional(f, 'api-audiences')),
    maxExpirationSeconds: maxExp ? Math.floor(parseDuration(maxExp) / 1000) : undefined,
  };
  // 3. audit
  const policy = flagOptional(f, 'audit-policy-file');
  const logPath = flagOptional(f, 'audit-log-path');
  if (policy && logPath) {
    out.audit = {
      policy: parseAuditPolicy(fs.readFileSync(policy, 'utf8')),
      sink: logPath === '-'
        ? { write: (l) => void process.stdout.write(l + '\n'), close: async () => {} }
        : new RotatingFileWriter({ path: logPath, maxSizeMB: flagInt(f, 'audit-log-maxsize', 0), maxAgeDays: flagInt(f, 'audit-log-maxage', 0), maxBackups: flagInt(f, 'audit-log-maxbackup', 0), clock: realClock }),
    };
  } else if (policy || logPath) {
    log.warn('audit logging needs both --audit-policy-file and --audit-log-path; it is off');
  }
  return out;
}
