// Container environment from the pod spec (value, fieldRef, resourceFieldRef, configMap/secret
// refs, envFrom), with `$(VAR)` expansion as upstream.
import type { ConfigMap, Container, Pod, Secret } from '../api/types/index.js';

/** Reads ConfigMaps and Secrets of the pod's namespace (undefined when absent). */
export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** A bound service-account token for a projected volume (absent: such sources stay empty). */
  serviceAccountToken?(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

/** A problem that keeps the container from starting (upstream reason CreateContainerConfigError). */
export class ConfigError extends Error {}

function fieldRef(pod: Pod, path: string, hostIP: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIP;
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    default:
      throw new ConfigError(`unsupported fieldRef ${path}`);
  }
}

/** `$(NAME)` expands from earlier variables; `$$(NAME)` escapes. */
export function expand(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : vars.has(name!) ? vars.get(name!)! : m));
}

/** 1. envFrom in order; 2. env in order (later wins), expanding references. */
export async function containerEnv(pod: Pod, c: Container, src: ObjectSource, o: { hostIP: string; podIP?: string }): Promise<{ key: string; value: string }[]> {
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  for (const ef of c.envFrom ?? []) {
    if (ef.configMapRef?.name) {
      const cm = await src.configMap(ns, ef.configMapRef.name);
      if (!cm && !ef.configMapRef.optional) throw new ConfigError(`configmap "${ef.configMapRef.name}" not found`);
      for (const [k, v] of Object.entries(cm?.data ?? {})) vars.set(`${ef.prefix ?? ''}${k}`, v);
    }
    if (ef.secretRef?.name) {
      const s = await src.secret(ns, ef.secretRef.name);
      if (!s && !ef.secretRef.optional) throw new ConfigError(`secret "${ef.secretRef.name}" not found`);
      for (const [k, v] of Object.entries(s?.data ?? {})) vars.set(`${ef.prefix ?? ''}${k}`, decode(v));
    }
  }
  const podWithIP = o.podIP ? { ...pod, status: { ...(pod.status ?? {}), podIP: o.podIP } } : pod;
  for (const e of c.env ?? []) {
    let v: string | undefined;
    if (e.value !== undefined) v = expand(e.value, vars);
    else if (e.valueFrom?.fieldRef) v = fieldRef(podWithIP, e.valueFrom.fieldRef.fieldPath, o.hostIP);
    else if (e.valueFrom?.configMapKeyRef) {
      const r = e.valueFrom.configMapKeyRef;
      const cm = await src.configMap(ns, r.name ?? '');
      v = cm?.data?.[r.key];
      if (v === undefined && !r.optional) throw new ConfigError(cm ? `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}` : `configmap "${r.name}" not found`);
    } else if (e.valueFrom?.secretKeyRef) {
      const r = e.valueFrom.secretKeyRef;
      const s = await src.secret(ns, r.name ?? '');
      const raw = s?.data?.[r.key];
      v = raw === undefined ? undefined : decode(raw);
      if (v === undefined && !r.optional) throw new ConfigError(s ? `couldn't find key ${r.key} in Secret ${ns}/${r.name}` : `secret "${r.name}" not found`);
    } else if (e.valueFrom?.resourceFieldRef) {
      const r = e.valueFrom.resourceFieldRef;
      const target = pod.spec.containers.find((x) => x.name === (r.containerName || c.name)) ?? c;
      const [kind, res] = r.resource.split('.') as ['limits' | 'requests', string];
      v = target.resources?.[kind]?.[res] ?? '0';
    } else v = '';
    if (v !== undefined) vars.set(e.name, v);
  }
  return [...vars].map(([key, value]) => ({ key, value }));
}
