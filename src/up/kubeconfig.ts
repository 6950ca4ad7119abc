// Writes a kubeconfig the real kubectl accepts (pure rendering + one file write).
import fs from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  name?: string;
  /** User entry name (default `<name>-admin`). */
  user?: string;
  caData?: string;
  certData?: string;
  keyData?: string;
  token?: string;
}

/** Renders a single-cluster, single-user kubeconfig. */
export function renderKubeconfig(s: KubeconfigSpec): string {
  const name = s.name ?? 'kubets';
  const cluster: Record<string, unknown> = { server: s.server };
  if (s.caData) cluster['certificate-authority-data'] = s.caData;
  const user: Record<string, unknown> = {};
  if (s.certData) user['client-certificate-data'] = s.certData;
  if (s.keyData) user['client-key-data'] = s.keyData;
  if (s.token) user.token = s.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name: s.user ?? `${name}-admin`, user }],
    contexts: [{ name, context: { cluster: name, user: s.user ?? `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}

export function writeKubeconfigFile(path: string, s: KubeconfigSpec): void {
  fs.writeFileSync(path, renderKubeconfig(s), { mode: 0o600 });
}
