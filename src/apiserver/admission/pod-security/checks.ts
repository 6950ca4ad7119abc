// The Pod Security Standards checks (baseline and restricted), each a pure function over a pod
// spec and its metadata that returns a violation (upstream's forbiddenReason + forbiddenDetail)
// or nothing. Levels: privileged = no checks; baseline; restricted = baseline + restricted.
import type { Container, ObjectMeta, PodSpec, SecurityContext } from '../../../api/types/index.js';

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface Violation {
  reason: string;
  detail?: string;
}

type Check = (meta: ObjectMeta, spec: PodSpec) => Violation | undefined;

interface Named { name: string; sc: SecurityContext & { windowsOptions?: { hostProcess?: boolean } }; c: Container }

function containers(spec: PodSpec): Named[] {
  return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])].map((c) => ({ name: c.name, sc: (c.securityContext ?? {}) as Named['sc'], c }));
}

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
/** `container "a"` / `containers "a", "b"`. */
export function pluralize(names: string[], one = 'container', many = 'containers'): string {
  return `${names.length === 1 ? one : many} ${quoted(names)}`;
}
const uniq = <T>(xs: T[]) => [...new Set(xs)];

// ---- baseline ----

const hostProcess: Check = (_m, spec) => {
  const podHP = (spec.securityContext as { windowsOptions?: { hostProcess?: boolean } } | undefined)?.windowsOptions?.hostProcess === true;
  const bad = containers(spec).filter((x) => x.sc.windowsOptions?.hostProcess === true).map((x) => x.name);
  if (!podHP && !bad.length) return undefined;
  const who = podHP && bad.length ? `pod and ${pluralize(bad)}` : podHP ? 'pod' : pluralize(bad);
  return { reason: 'hostProcess', detail: `${who} must not set securityContext.windowsOptions.hostProcess=true` };
};

const hostNamespaces: Check = (_m, spec) => {
  const set = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter((x): x is string => !!x);
  return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
};

const privileged: Check = (_m, spec) => {
  const bad = containers(spec).filter((x) => x.sc.privileged === true).map((x) => x.name);
  return bad.length ? { reason: 'privileged', detail: `${pluralize(bad)} must not set securityContext.privileged=true` } : undefined;
};

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const capabilitiesBaseline: Check = (_m, spec) => {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const x of containers(spec)) {
    const extra = (x.sc.capabilities?.add ?? []).filter((c) => !BASELINE_CAPS.has(c));
    if (extra.length) {
      bad.push(x.name);
      caps.push(...extra);
    }
  }
  return bad.length ? { reason: 'non-default capabilities', detail: `${pluralize(bad)} must not include ${quoted(uniq(caps))} in securityContext.capabilities.add` } : undefined;
};

const hostPathVolumes: Check = (_m, spec) => {
  const bad = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
  return bad.length ? { reason: 'hostPath volumes', detail: pluralize(bad, 'volume', 'volumes') } : undefined;
};

const hostPorts: Check = (_m, spec) => {
  const bad: string[] = [];
  const ports: number[] = [];
  for (const x of containers(spec)) {
    const hp = (x.c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
    if (hp.length) {
      bad.push(x.name);
      ports.push(...hp);
    }
  }
  return bad.length ? { reason: 'hostPort', detail: `${pluralize(bad)} ${ports.length === 1 ? 'uses hostPort' : 'use hostPorts'} ${uniq(ports).join(', ')}` } : undefined;
};

const APPARMOR_ANN = 'container.apparmor.security.beta.kubernetes.io/';
const appArmor: Check = (meta, spec) => {
  const bad: string[] = [];
  const okType = (t: string | undefined) => t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
  const podType = spec.securityContext?.appArmorProfile?.type;
  if (!okType(podType)) bad.push(`pod must not set securityContext.appArmorProfile.type to "${podType}"`);
  const cbad = containers(spec).filter((x) => !okType(x.sc.appArmorProfile?.type));
  for (const x of cbad) bad.push(`container "${x.name}" must not set securityContext.appArmorProfile.type to "${x.sc.appArmorProfile!.type}"`);
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (k.startsWith(APPARMOR_ANN) && v !== 'runtime/default' && !v.startsWith('localhost/')) bad.push(`${k}="${v}"`);
  }
  return bad.length ? { reason: 'forbidden AppArmor profile' + (bad.length > 1 ? 's' : ''), detail: bad.join(', ') } : undefined;
};

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const seLinux: Check = (_m, spec) => {
  const problems = new Set<string>();
  const bad = (o: Record<string, string> | undefined): boolean => {
    if (!o) return false;
    let b = false;
    if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) {
      problems.add(`type "${o.type}"`);
      b = true;
    }
    if (o.user) {
      problems.add(`user "${o.user}"`);
      b = true;
    }
    if (o.role) {
      problems.add(`role "${o.role}"`);
      b = true;
    }
    return b;
  };
  const pod = bad(spec.securityContext?.seLinuxOptions);
  const cs = containers(spec).filter((x) => bad(x.sc.seLinuxOptions)).map((x) => x.name);
  if (!pod && !cs.length) return undefined;
  const who = pod && cs.length ? `pod and ${pluralize(cs)}` : pod ? 'pod' : pluralize(cs);
  return { reason: 'seLinuxOptions', detail: `${who} set forbidden securityContext.seLinuxOptions: ${[...problems].join('; ')}` };
};

const procMount: Check = (_m, spec) => {
  const bad = containers(spec).filter((x) => x.sc.procMount !== undefined && x.sc.procMount !== 'Default');
  return bad.length ? { reason: 'procMount', detail: `${pluralize(bad.map((x) => x.name))} must not set securityContext.procMount to ${quoted(uniq(bad.map((x) => x.sc.procMount!)))}` } : undefined;
};

const seccompBaseline: Check = (_m, spec) => {
  const out: string[] = [];
  if (spec.securityContext?.seccompProfile?.type === 'Unconfined') out.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
  const cs = containers(spec).filter((x) => x.sc.seccompProfile?.type === 'Unconfined').map((x) => x.name);
  if (cs.length) out.push(`${pluralize(cs)} must not set securityContext.seccompProfile.type to "Unconfined"`);
  return out.length ? { reason: 'seccompProfile', detail: out.join('; ') } : undefined;
};

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const sysctls: Check = (_m, spec) => {
  const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !SAFE_SYSCTLS.has(n));
  return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
};

// ---- restricted ----

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const volumeTypes: Check = (_m, spec) => {
  const names: string[] = [];
  const types: string[] = [];
  for (const v of spec.volumes ?? []) {
    const t = Object.keys(v).find((k) => k !== 'name');
    if (t && !ALLOWED_VOLUMES.includes(t)) {
      names.push(v.name);
      types.push(t);
    }
  }
  if (!names.length) return undefined;
  const ut = uniq(types);
  return { reason: 'restricted volume types', detail: `${pluralize(names, 'volume', 'volumes')} ${names.length === 1 ? 'uses' : 'use'} restricted volume ${ut.length === 1 ? 'type' : 'types'} ${quoted(ut)}` };
};

const privilegeEscalation: Check = (_m, spec) => {
  const bad = containers(spec).filter((x) => x.sc.allowPrivilegeEscalation !== false).map((x) => x.name);
  return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${pluralize(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
};

const runAsNonRoot: Check = (_m, spec) => {
  const podVal = spec.securityContext?.runAsNonRoot;
  const explicitFalse = containers(spec).filter((x) => x.sc.runAsNonRoot === false).map((x) => x.name);
  const implicit = podVal === true ? [] : containers(spec).filter((x) => x.sc.runAsNonRoot === undefined).map((x) => x.name);
  const out: string[] = [];
  if (podVal === false) out.push('pod must not set securityContext.runAsNonRoot=false');
  if (explicitFalse.length) out.push(`${pluralize(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
  if (podVal !== false && implicit.length) out.push(`pod or ${pluralize(implicit)} must set securityContext.runAsNonRoot=true`);
  return out.length ? { reason: 'runAsNonRoot != true', detail: out.join('; ') } : undefined;
};

const runAsUser: Check = (_m, spec) => {
  const out: string[] = [];
  if (spec.securityContext?.runAsUser === 0) out.push('pod must not set runAsUser=0');
  const bad = containers(spec).filter((x) => x.sc.runAsUser === 0).map((x) => x.name);
  if (bad.length) out.push(`${pluralize(bad)} must not set runAsUser=0`);
  return out.length ? { reason: 'runAsUser=0', detail: out.join('; ') } : undefined;
};

const seccompRestricted: Check = (_m, spec) => {
  const ok = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
  const podType = spec.securityContext?.seccompProfile?.type;
  const out: string[] = [];
  if (podType !== undefined && !ok(podType)) out.push(`pod must not set securityContext.seccompProfile.type to "${podType}"`);
  const explicitBad = containers(spec).filter((x) => x.sc.seccompProfile?.type !== undefined && !ok(x.sc.seccompProfile.type));
  if (explicitBad.length) out.push(`${pluralize(explicitBad.map((x) => x.name))} must not set securityContext.seccompProfile.type to ${quoted(uniq(explicitBad.map((x) => x.sc.seccompProfile!.type)))}`);
  if (!ok(podType)) {
    const unset = containers(spec).filter((x) => x.sc.seccompProfile?.type === undefined).map((x) => x.name);
    if (unset.length) out.push(`pod or ${pluralize(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  }
  return out.length ? { reason: 'seccompProfile', detail: out.join('; ') } : undefined;
};

const capabilitiesRestricted: Check = (_m, spec) => {
  const noDrop = containers(spec).filter((x) => !(x.sc.capabilities?.drop ?? []).includes('ALL')).map((x) => x.name);
  const addBad: string[] = [];
  const caps: string[] = [];
  for (const x of containers(spec)) {
    const extra = (x.sc.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
    if (extra.length) {
      addBad.push(x.name);
      caps.push(...extra);
    }
  }
  const out: string[] = [];
  if (noDrop.length) out.push(`${pluralize(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addBad.length) out.push(`${pluralize(addBad)} must not include ${quoted(uniq(caps))} in securityContext.capabilities.add`);
  return out.length ? { reason: 'unrestricted capabilities', detail: out.join('; ') } : undefined;
};

/** Checks in upstream's evaluation order; restricted replaces the baseline capability/seccomp checks with stricter ones. */
const BASELINE: Check[] = [appArmor, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, hostProcess, privileged, procMount, seccompBaseline, seLinux, sysctls];
const RESTRICTED: Check[] = [appArmor, hostNamespaces, hostPathVolumes, hostPorts, hostProcess, privileged, procMount, seLinux, sysctls,
  privilegeEscalation, capabilitiesRestricted, volumeTypes, runAsNonRoot, runAsUser, seccompRestricted];

/** Every violation of `level` by the pod (empty = allowed). */
export function evaluate(level: Level, meta: ObjectMeta, spec: PodSpec): Violation[] {
  const checks = level === 'restricted' ? RESTRICTED : level === 'baseline' ? BASELINE : [];
  return checks.map((c) => c(meta, spec)).filter((v): v is Violation => !!v);
}

/** `violates PodSecurity "restricted:latest": reason (detail), ...` (`would violate ...` for warnings). */
export function violationText(policy: string, vs: Violation[], lead = 'violates'): string {
  return `${lead} PodSecurity "${policy}": ${vs.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ')}`;
}
