// Static pods from --pod-manifest-path: manifests read from a directory (rescanned on a period
// and on fs.watch), turned into pods owned by this kubelet, and the mirror pods that reflect them
// in the API, as upstream's file source and mirror client.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Pod } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

export const ANNOTATION_CONFIG_HASH = 'kubernetes.io/config.hash';
export const ANNOTATION_CONFIG_MIRROR = 'kubernetes.io/config.mirror';
export const ANNOTATION_CONFIG_SOURCE = 'kubernetes.io/config.source';
export const ANNOTATION_CONFIG_SEEN = 'kubernetes.io/config.seen';

/** Whether an API pod is a mirror pod. */
export function isMirrorPod(pod: Pod): boolean {
  return !!pod.metadata.annotations?.[ANNOTATION_CONFIG_MIRROR];
}

/**
 * The static pod of one manifest (pure): name `<name>-<node>`, namespace `default` unless set,
 * uid = config hash of (file, node, manifest), source annotations, bound to the node.
 */
export function staticPodFromManifest(manifest: unknown, file: string, nodeName: string, seen: string): Pod {
  const m = manifest as Pod;
  if (!m || typeof m !== 'object' || (m as { kind?: string }).kind !== 'Pod' || !m.metadata?.name || !m.spec?.containers?.length) {
    throw new Error(`${file}: not a Pod manifest with a name and containers`);
  }
  const hash = crypto.createHash('sha256').update(JSON.stringify([file, nodeName, m])).digest('hex').slice(0, 32);
  const pod: Pod = JSON.parse(JSON.stringify(m));
  pod.metadata.name = `${m.metadata.name}-${nodeName}`.toLowerCase();
  pod.metadata.namespace = m.metadata.namespace || 'default';
  pod.metadata.uid = hash;
  pod.metadata.annotations = { ...(m.metadata.annotations ?? {}), [ANNOTATION_CONFIG_HASH]: hash, [ANNOTATION_CONFIG_SOURCE]: 'file', [ANNOTATION_CONFIG_SEEN]: seen };
  pod.spec.nodeName = nodeName;
  pod.spec.restartPolicy ??= 'Always';
  // Static pods tolerate every NoExecute taint, as upstream.
  pod.spec.tolerations = [...(pod.spec.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }];
  delete pod.status;
  return pod;
}

/** The mirror pod to create in the API for a static pod (pure): owned by the Node. */
export function mirrorPodOf(pod: Pod, node: { name: string; uid: string }): Pod {
  const hash = pod.metadata.annotations?.[ANNOTATION_CONFIG_HASH] ?? '';
  const { uid: _uid, resourceVersion: _rv, ...meta } = pod.metadata;
  void _uid;
  void _rv;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...meta, annotations: { ...(pod.metadata.annotations ?? {}), [ANNOTATION_CONFIG_MIRROR]: hash }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }] },
    spec: pod.spec,
  };
}

/** Whether `mirror` reflects the current version of `pod`. */
export function mirrorMatches(mirror: Pod, pod: Pod): boolean {
  return mirror.metadata.annotations?.[ANNOTATION_CONFIG_MIRROR] === pod.metadata.annotations?.[ANNOTATION_CONFIG_HASH];
}

export interface StaticPodSourceOptions {
  dir: string;
  nodeName: string;
  clock: Clock;
  logger: Logger;
  /** Rescan period (ms); fs.watch makes changes show sooner. */
  periodMs?: number;
  /** Called with the `namespace/name` keys whose static pod appeared, changed or went. */
  onChange(keys: string[]): void;
}

/** Keeps the static pods of a manifest directory: `get(key)`, `list()`. */
export class StaticPodSource {
  private pods = new Map<string, Pod>();
  /** Per file: content last parsed and the pod it gave (so `seen` and hashes stay stable). */
  private files = new Map<string, { text: string; pod?: Pod }>();

  constructor(private readonly o: StaticPodSourceOptions) {}

  get(key: string): Pod | undefined {
    return this.pods.get(key);
  }

  list(): Pod[] {
    return [...this.pods.values()];
  }

  /** 1. read every manifest (*.yaml, *.yml, *.json; dotfiles skipped); 2. rebuild; 3. report changed keys. */
  scan(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.o.dir).filter((n) => !n.startsWith('.') && /\.(ya?ml|json)$/.test(n)).sort();
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message, dir: this.o.dir }, 'cannot read the pod manifest path');
    }
    const next = new Map<string, Pod>();
    const files = new Map<string, { text: string; pod?: Pod }>();
    for (const n of names) {
      const file = path.join(this.o.dir, n);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const prev = this.files.get(file);
      let pod = prev?.text === text ? prev.pod : undefined;
      if (!pod && prev?.text !== text) {
        try {
          pod = staticPodFromManifest(n.endsWith('.json') ? JSON.parse(text) : parseYaml(text), file, this.o.nodeName, new Date(this.o.clock.now()).toISOString());
        } catch (err) {
          this.o.logger.warn({ err: (err as Error).message, file }, 'invalid static pod manifest');
        }
      }
      files.set(file, { text, pod });
      if (pod) next.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
    }
    const changed = new Set<string>();
    for (const [k, p] of next) if (this.pods.get(k)?.metadata.uid !== p.metadata.uid) changed.add(k);
    for (const k of this.pods.keys()) if (!next.has(k)) changed.add(k);
    this.pods = next;
    this.files = files;
    if (changed.size) this.o.onChange([...changed]);
  }

  /** Scans now, then on every directory change and every period, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.scan();
    let watcher: fs.FSWatcher | undefined;
    try {
      watcher = fs.watch(this.o.dir, () => this.scan());
    } catch {
      /* the directory may appear later; the period covers it */
    }
    while (!signal.aborted) {
      await this.o.clock.sleep(this.o.periodMs ?? 5000, signal).catch(() => {});
      if (!signal.aborted) this.scan();
    }
    watcher?.close();
  }
}
