// ServiceAccount admission: every pod runs as a service account (`default` unless named), the
// account must exist, and unless automounting is off the pod gets the projected
// `kube-api-access-<random5>` volume (bound token + cluster CA + namespace) mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container, as upstream.
import type { Container, Pod, ServiceAccount, Volume } from '../../api/types/index.js';
import { errors } from '../errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from './interface.js';

export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** Upstream's kubelet-compatible token lifetime for the projected token (an hour and 7 s). */
export const PROJECTED_TOKEN_SECONDS = 3607;
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
// The alphabet of upstream's random name suffixes (no vowels, no confusable digits).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Looks a service account up (cache first, then storage); undefined when absent. */
export type ServiceAccountLookup = (namespace: string, name: string) => Promise<ServiceAccount | undefined>;

/** The projected volume upstream adds. */
export function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: PROJECTED_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

export class ServiceAccountAdmission implements AdmissionPlugin {
  readonly name = 'ServiceAccount';
  constructor(private readonly lookup: ServiceAccountLookup, private readonly random: () => number = Math.random) {}

  /** 1. default the account name; 2. the account exists; 3. add the token volume and mounts. */
  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'CREATE' || a.resource.resource !== 'pods' || a.resource.group !== '' || a.subresource) return;
    const pod = a.object as Pod;
    if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
    // 1. name
    const saName = pod.spec.serviceAccountName || pod.spec.serviceAccount || 'default';
    pod.spec.serviceAccountName = saName;
    pod.spec.serviceAccount = saName;
    // 2. exists
    const ns = a.namespace ?? pod.metadata.namespace ?? 'default';
    const sa = await this.lookup(ns, saName);
    if (!sa) throw errors.forbidden(a.resource, a.name, `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
    // 3. token volume
    const automount = pod.spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
    if (!automount) return;
    const all: Container[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    const existing = (pod.spec.volumes ?? []).find((v) => v.projected?.sources?.some((s) => s.serviceAccountToken) && v.name.startsWith('kube-api-access-'));
    let volName = existing?.name;
    if (!volName) {
      const taken = new Set((pod.spec.volumes ?? []).map((v) => v.name));
      do volName = `kube-api-access-${this.suffix()}`;
      while (taken.has(volName));
    }
    let used = false;
    for (const c of all) {
      if ((c.volumeMounts ?? []).some((m) => m.mountPath === SA_MOUNT_PATH)) continue;
      c.volumeMounts = [...(c.volumeMounts ?? []), { name: volName, readOnly: true, mountPath: SA_MOUNT_PATH }];
      used = true;
    }
    if (used && !existing) pod.spec.volumes = [...(pod.spec.volumes ?? []), apiAccessVolume(volName)];
  }

  private suffix(): string {
    let s = '';
    for (let i = 0; i < 5; i++) s += ALPHABET[Math.floor(this.random() * ALPHABET.length)];
    return s;
  }
}
