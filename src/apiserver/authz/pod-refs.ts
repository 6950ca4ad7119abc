// What a pod references by name (pure): the secrets, config maps, claims and service account
// a node needs to read in order to run it.
import type { Pod } from '../../api/types/index.js';

export interface PodRefs {
  secrets: Set<string>;
  configmaps: Set<string>;
  persistentvolumeclaims: Set<string>;
  serviceaccounts: Set<string>;
}

/** 1. volumes (incl. projected sources); 2. env and envFrom of every container; 3. pull secrets; 4. service account. */
export function podRefs(pod: Pod): PodRefs {
  const out: PodRefs = { secrets: new Set(), configmaps: new Set(), persistentvolumeclaims: new Set(), serviceaccounts: new Set() };
  const add = (set: Set<string>, n: string | undefined) => n && set.add(n);
  const spec = pod.spec;
  for (const v of spec?.volumes ?? []) {
    add(out.secrets, v.secret?.secretName);
    add(out.configmaps, v.configMap?.name);
    add(out.persistentvolumeclaims, v.persistentVolumeClaim?.claimName);
    for (const s of v.projected?.sources ?? []) {
      add(out.secrets, s.secret?.name);
      add(out.configmaps, s.configMap?.name);
    }
  }
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add(out.secrets, e.valueFrom?.secretKeyRef?.name);
      add(out.configmaps, e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add(out.secrets, e.secretRef?.name);
      add(out.configmaps, e.configMapRef?.name);
    }
  }
  for (const s of spec?.imagePullSecrets ?? []) add(out.secrets, s.name);
  add(out.serviceaccounts, spec?.serviceAccountName || spec?.serviceAccount || 'default');
  return out;
}
