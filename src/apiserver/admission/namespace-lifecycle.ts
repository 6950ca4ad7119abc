// NamespaceLifecycle: no new objects in a missing or terminating namespace; the system
// namespaces cannot be deleted (the namespace strategy refuses that).
import type { Namespace } from '../../api/types/index.js';
import { errors } from '../errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from './interface.js';

/** Looks a namespace up (cache first, then storage). */
export type NamespaceLookup = (name: string) => Promise<Namespace | undefined>;

export class NamespaceLifecycle implements AdmissionPlugin {
  readonly name = 'NamespaceLifecycle';
  constructor(private readonly lookup: NamespaceLookup) {}

  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'CREATE' || !a.resource.namespaced || !a.namespace) return;
    const ns = await this.lookup(a.namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp) {
      // Events about the deletion itself are still allowed, as upstream.
      if (a.resource.resource === 'events') return;
      throw errors.forbidden(a.resource, a.name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
    }
  }
}
