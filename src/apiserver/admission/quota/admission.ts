// ResourceQuota admission: a create is admitted only after every quota of the namespace that
// constrains it has been charged by a compare-and-swap update of its `status.used` in etcd, so
// concurrent creates through any number of apiservers cannot overrun `spec.hard`. Usage goes
// back down when the quota controller recounts (after deletes, or a charged create that failed).
import type { Pod, ResourceList, ResourceQuota } from '../../../api/types/index.js';
import { errors } from '../../errors.js';
import { StorageError, type Versioned } from '../../storage/interface.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';
import { addUsage, exceeded, exceededMessage, missingCompute } from './usage.js';
import { quotaScopeMatches, usageList } from '../../../api/quota-usage.js';

/** Live access to quotas and usage (the apiserver's storage). */
export interface QuotaAccess {
  /**
   * The quotas of a namespace with their revisions: from etcd, or from a cache that has seen at
   * least this apiserver's own quota writes (a stale revision only costs a CAS retry).
   */
  list(namespace: string): Promise<Versioned[]>;
  get(key: string): Promise<Versioned | undefined>;
  /** CAS write; throws StorageError('Conflict') when the quota changed since `rev`. */
  update(key: string, obj: ResourceQuota, rev: number): Promise<number>;
  /** Recounts what the namespace uses of each name in the quota's `spec.hard` (within its scopes), from storage. */
  usage(namespace: string, quota: ResourceQuota): Promise<ResourceList>;
  /** The clock (ms since the epoch) deciding whether a terminating pod still counts; Date.now by default. */
  now?: () => number;
}

/** Quota names a pod's compute resources are charged under. */
const COMPUTE_NAME = /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/;

const sameKeys = (a: ResourceList | undefined, b: ResourceList | undefined) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

export class ResourceQuotaAdmission implements AdmissionPlugin {
  readonly name = 'ResourceQuota';
  constructor(private readonly access: QuotaAccess, private readonly maxRetries = 20) {}

  /** 1. what the object uses; 2. the quotas that constrain it (names and scopes); 3. charge each by CAS (recounting a quota the controller has not filled yet). */
  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'CREATE' || a.subresource || !a.namespace) return;
    // 1. usage of the new object
    const requested = usageList(a.resource.group, a.resource.resource, a.object, (this.access.now ?? Date.now)());
    if (!Object.keys(requested).length) return;
    // 2. relevant quotas
    // A pod is constrained by every compute quota even when it requests nothing (upstream's
    // evaluator matches the names, then refuses the pod with "must specify").
    const isPod = a.resource.resource === 'pods' && !a.resource.group;
    const relevant = (k: string) => k in requested || (isPod && COMPUTE_NAME.test(k));
    // A scoped quota constrains only the pods in its scopes.
    const quotas = (await this.access.list(a.namespace)).filter((v) => {
      const q = v.obj as ResourceQuota;
      return Object.keys(q.spec?.hard ?? {}).some(relevant) && quotaScopeMatches(q, a.resource.resource, a.resource.group, a.object);
    });
    if (!quotas.length) return;
    if (a.resource.resource === 'pods' && !a.resource.group) {
      for (const v of quotas) {
        const missing = missingCompute((v.obj as ResourceQuota).spec?.hard ?? {}, a.object as Pod);
        if (missing.length) throw errors.forbidden(a.resource, a.name, `failed quota: ${v.obj.metadata.name}: must specify ${missing.join('; ')}`);
      }
    }
    // 3. charge
    for (const first of quotas) {
      let cur: Versioned | undefined = first;
      for (let attempt = 0; ; attempt++) {
        if (!cur) break; // the quota went away meanwhile
        const q = cur.obj as ResourceQuota;
        const hard = q.spec?.hard ?? {};
        let used = q.status?.used;
        if (!used || !sameKeys(q.status?.hard, hard) || Object.keys(hard).some((k) => used![k] === undefined)) used = await this.access.usage(a.namespace, q);
        const over = exceeded(hard, used, requested);
        if (over.length) throw errors.forbidden(a.resource, a.name, exceededMessage(q.metadata.name!, over, hard, used, requested));
        if (a.dryRun) break;
        const next: ResourceQuota = { ...q, status: { hard, used: addUsage(hard, used, requested) } };
        try {
          await this.access.update(cur.key, next, cur.rev);
          break;
        } catch (err) {
          if (!(err instanceof StorageError && err.code === 'Conflict') || attempt >= this.maxRetries) {
            if (err instanceof StorageError && err.code === 'Conflict') throw errors.conflict(a.resource, a.name, 'the resource quota is being updated by many requests; please try again');
            throw err;
          }
          cur = await this.access.get(cur.key);
        }
      }
    }
  }
}
