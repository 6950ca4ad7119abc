// Pod volumes on the host under the kubelet root dir: emptyDir (tmpfs for medium Memory),
// hostPath, configMap, secret, downwardAPI and projected (files written atomically).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { KeyToPath, Pod, Volume } from '../api/types/index.js';
import { ConfigError, type ObjectSource } from './env.js';

/** Where a pod's volumes live: <root>/pods/<uid>/volumes/<name>. */
export function volumeDir(root: string, pod: Pod, name: string): string {
  return path.join(root, 'pods', pod.metadata.uid!, 'volumes', name);
}

function writeFiles(dir: string, files: { path: string; data: Buffer; mode?: number }[], defaultMode: number): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const p = path.join(dir, f.path);
    if (!p.startsWith(dir + path.sep)) throw new ConfigError(`invalid path ${f.path}`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, f.data, { mode: f.mode ?? defaultMode });
    fs.renameSync(tmp, p);
  }
}

function pick(data: Record<string, string>, items: KeyToPath[] | undefined, decode: (v: string) => Buffer): { path: string; data: Buffer; mode?: number }[] {
  if (!items?.length) return Object.entries(data).map(([k, v]) => ({ path: k, data: decode(v) }));
  return items.map((it) => {
    if (!(it.key in data)) throw new ConfigError(`key ${it.key} not found`);
    return { path: it.path, data: decode(data[it.key]!), mode: it.mode };
  });
}

/** Makes every volume of the pod ready; returns name → host path. */
export async function setUpVolumes(root: string, pod: Pod, src: ObjectSource): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ns = pod.metadata.namespace ?? 'default';
  const text = (v: string) => Buffer.from(v, 'utf8');
  const b64 = (v: string) => Buffer.from(v, 'base64');
  for (const v of pod.spec.volumes ?? []) out.set(v.name, await setUp(root, pod, ns, v, src, text, b64));
  return out;
}

async function setUp(root: string, pod: Pod, ns: string, v: Volume, src: ObjectSource, text: (v: string) => Buffer, b64: (v: string) => Buffer): Promise<string> {
  const dir = volumeDir(root, pod, v.name);
  if (v.hostPath) {
    if (v.hostPath.type === 'DirectoryOrCreate') fs.mkdirSync(v.hostPath.path, { recursive: true });
    if (v.hostPath.type === 'FileOrCreate' && !fs.existsSync(v.hostPath.path)) fs.writeFileSync(v.hostPath.path, '');
    return v.hostPath.path;
  }
  if (v.emptyDir) {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
      fs.chmodSync(dir, 0o777);
      if (v.emptyDir.medium === 'Memory') execFileSync('mount', ['-t', 'tmpfs', '-o', v.emptyDir.sizeLimit ? `size=${v.emptyDir.sizeLimit.replace(/i$/, '')}` : 'size=64m', 'tmpfs', dir]);
    }
    return dir;
  }
  if (v.configMap) {
    const cm = await src.configMap(ns, v.configMap.name ?? '');
    if (!cm && !v.configMap.optional) throw new ConfigError(`configmap "${v.configMap.name}" not found`);
    writeFiles(dir, pick(cm?.data ?? {}, v.configMap.items, text), v.configMap.defaultMode ?? 0o644);
    return dir;
  }
  if (v.secret) {
    const s = await src.secret(ns, v.secret.secretName ?? '');
    if (!s && !v.secret.optional) throw new ConfigError(`secret "${v.secret.secretName}" not found`);
    writeFiles(dir, pick(s?.data ?? {}, v.secret.items, b64), v.secret.defaultMode ?? 0o644);
    return dir;
  }
  if (v.downwardAPI) {
    const files = (v.downwardAPI.items ?? []).map((it) => ({ path: it.path, data: text(downward(pod, it.fieldRef?.fieldPath ?? '')), mode: it.mode }));
    writeFiles(dir, files, v.downwardAPI.defaultMode ?? 0o644);
    return dir;
  }
  if (v.projected) {
    const files: { path: string; data: Buffer; mode?: number }[] = [];
    for (const p of v.projected.sources ?? []) {
      if (p.configMap) {
        const cm = await src.configMap(ns, p.configMap.name ?? '');
        if (!cm && !p.configMap.optional) throw new ConfigError(`configmap "${p.configMap.name}" not found`);
        files.push(...pick(cm?.data ?? {}, p.configMap.items, text));
      }
      if (p.secret) {
        const s = await src.secret(ns, p.secret.name ?? '');
        if (!s && !p.secret.optional) throw new ConfigError(`secret "${p.secret.name}" not found`);
        files.push(...pick(s?.data ?? {}, p.secret.items, b64));
      }
      if (p.downwardAPI) for (const it of p.downwardAPI.items ?? []) files.push({ path: it.path, data: text(downward(pod, it.fieldRef?.fieldPath ?? '')), mode: it.mode });
      if (p.serviceAccountToken && src.serviceAccountToken) {
        const tok = await src.serviceAccountToken(pod, p.serviceAccountToken.audience, p.serviceAccountToken.expirationSeconds ?? 3600);
        files.push({ path: p.serviceAccountToken.path, data: text(tok) });
      }
    }
    writeFiles(dir, files, v.projected.defaultMode ?? 0o644);
    return dir;
  }
  // Unsupported sources get an empty directory so the pod can still start.
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function downward(pod: Pod, fieldPath: string): string {
  if (fieldPath === 'metadata.labels') return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
  if (fieldPath === 'metadata.annotations') return Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
  if (fieldPath === 'metadata.name') return pod.metadata.name ?? '';
  if (fieldPath === 'metadata.namespace') return pod.metadata.namespace ?? '';
  if (fieldPath === 'metadata.uid') return pod.metadata.uid ?? '';
  return '';
}

/** Rewrites the projected volumes that carry a service-account token (a refreshed token lands in place). */
export async function refreshTokenVolumes(root: string, pod: Pod, src: ObjectSource): Promise<void> {
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec.volumes ?? []) {
    if (!v.projected?.sources?.some((s) => s.serviceAccountToken)) continue;
    if (!fs.existsSync(volumeDir(root, pod, v.name))) continue;
    await setUp(root, pod, ns, v, src, (x) => Buffer.from(x, 'utf8'), (x) => Buffer.from(x, 'base64'));
  }
}

/** Unmounts tmpfs volumes and removes the pod's directory. */
export function tearDownVolumes(root: string, uid: string): void {
  const dir = path.join(root, 'pods', uid);
  if (!fs.existsSync(dir)) return;
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir + '/'));
  for (const m of mounts.sort().reverse()) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* already gone */
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
