// Reads a standard kubeconfig: current context → cluster (server, CA, TLS verify) and user
// (token, client cert/key), with file paths relative to the kubeconfig's directory.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** What a client needs to reach and authenticate to an apiserver. */
export interface KubeconfigCredentials {
  server: string;
  caData?: Buffer;
  certData?: Buffer;
  keyData?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

type Dict = Record<string, unknown>;

function pick<T>(list: unknown, name: string, kind: string): T {
  const found = (Array.isArray(list) ? (list as Named<T>[]) : []).find((e) => e.name === name);
  if (!found) throw new Error(`kubeconfig: ${kind} ${JSON.stringify(name)} not found`);
  return (found as unknown as Record<string, T>)[kind] as T;
}

function readData(dir: string, data: unknown, file: unknown): Buffer | undefined {
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
  if (typeof file === 'string' && file) return fs.readFileSync(path.resolve(dir, file));
  return undefined;
}

/** Loads credentials from `file` (context defaults to current-context). Throws with a clear message on a bad file. */
export function loadKubeconfig(file: string, context?: string): KubeconfigCredentials {
  const dir = path.dirname(path.resolve(file));
  const doc = parse(fs.readFileSync(file, 'utf8')) as Dict;
  if (!doc || typeof doc !== 'object') throw new Error(`kubeconfig ${file}: not a YAML map`);
  const ctxName = context ?? (doc['current-context'] as string | undefined);
  if (!ctxName) throw new Error(`kubeconfig ${file}: no current-context`);
  const ctx = pick<Dict>(doc.contexts, ctxName, 'context');
  const cluster = pick<Dict>(doc.clusters, String(ctx.cluster), 'cluster');
  const user = ctx.user ? pick<Dict>(doc.users, String(ctx.user), 'user') ?? {} : {};
  const server = String(cluster.server ?? '');
  if (!server) throw new Error(`kubeconfig ${file}: cluster has no server`);
  let token = typeof user.token === 'string' ? user.token : undefined;
  if (!token && typeof user.tokenFile === 'string') token = fs.readFileSync(path.resolve(dir, user.tokenFile), 'utf8').trim();
  return {
    server: server.replace(/\/+$/, ''),
    caData: readData(dir, cluster['certificate-authority-data'], cluster['certificate-authority']),
    certData: readData(dir, user['client-certificate-data'], user['client-certificate']),
    keyData: readData(dir, user['client-key-data'], user['client-key']),
    token,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
