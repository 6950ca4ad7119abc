// Pod defaulting (upstream core/v1 defaults + pod REST strategy on create).
import type { Container, PodSpec, Probe, Volume } from '../types/index.js';

function hasTagOrDigest(image: string): { tag: string | undefined; digest: boolean } {
  if (image.includes('@')) return { tag: undefined, digest: true };
  const slash = image.lastIndexOf('/');
  const last = image.slice(slash + 1);
  const colon = last.lastIndexOf(':');
  return { tag: colon >= 0 ? last.slice(colon + 1) : undefined, digest: false };
}

/** Always for `:latest` or untagged images, else IfNotPresent (digests are IfNotPresent). */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'IfNotPresent';
  const { tag, digest } = hasTagOrDigest(image);
  if (digest) return 'IfNotPresent';
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) {
    if (h?.httpGet) {
      h.httpGet.path ??= '/';
      h.httpGet.scheme ??= 'HTTP';
    }
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
}

function defaultVolume(v: Volume): void {
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.downwardAPI) v.downwardAPI.defaultMode ??= 420;
  if (v.projected) v.projected.defaultMode ??= 420;
  if (v.hostPath) v.hostPath.type ??= '';
  for (const it of v.downwardAPI?.items ?? []) if (it.fieldRef) it.fieldRef.apiVersion ??= 'v1';
  for (const s of v.projected?.sources ?? []) {
    if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
    for (const it of s.downwardAPI?.items ?? []) if (it.fieldRef) it.fieldRef.apiVersion ??= 'v1';
  }
  // A volume with no source at all is an emptyDir.
  const rec = v as unknown as Record<string, unknown>;
  if (!Object.keys(rec).some((k) => k !== 'name' && rec[k] !== undefined && rec[k] !== null)) v.emptyDir = {};
}

/** Defaults a PodSpec in place (pods and every pod template). */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  // serviceAccount is the deprecated alias: keep both set and equal.
  const sa = spec.serviceAccountName || spec.serviceAccount || 'default';
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const t of spec.tolerations ?? []) if (t.operator === undefined && t.value !== undefined && t.value !== '') t.operator = 'Equal';
  // With host networking a container port is also the host port.
  if (spec.hostNetwork === true) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

/**
 * Pod-only defaults applied on create. `priority` and `preemptionPolicy` are not defaulted here:
 * Priority admission sets them from the PriorityClass (a defaulted 0 would read as user-set).
 */
export function defaultPodCreate(spec: PodSpec): void {
  // Upstream SetDefaults_Pod: requests default to limits when only limits are set.
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const r = c.resources;
    if (!r?.limits) continue;
    r.requests ??= {};
    for (const [k, v] of Object.entries(r.limits)) if (r.requests[k] === undefined) r.requests[k] = v;
  }
}
