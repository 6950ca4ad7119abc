// A minimal recording Clientset for scheduler unit tests: bindings, status patches and deletes.
import type { KubeList, KubeObject, Status } from '../../api/types/index.js';
import type { Clientset, ResourceClient, ResourceRef } from '../../client/interfaces.js';

/** One recorded call. */
export interface Call { verb: 'bind' | 'patch' | 'delete'; namespace?: string; name: string; body?: unknown }

/**
 * Contract: records calls in `calls`; `failBinds` makes binding calls reject. Reads (list/get/watch)
 * are unsupported and throw: the scheduler's unit tests drive handlers directly.
 */
export class RecordingClientset implements Clientset {
  calls: Call[] = [];
  failBinds = false;
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const unsupported = (): never => { throw new Error(`RecordingClientset: unsupported call on ${ref.resource}`); };
    const self = this;
    return {
      ref,
      list: async (): Promise<KubeList<T>> => unsupported(),
      get: async (): Promise<T> => unsupported(),
      create: async (): Promise<T> => unsupported(),
      update: async (): Promise<T> => unsupported(),
      updateStatus: async (): Promise<T> => unsupported(),
      patch: async (namespace, name, _type, body) => { self.calls.push({ verb: 'patch', ...(namespace ? { namespace } : {}), name, body }); return { metadata: { name } } as T; },
      delete: async (namespace, name) => { self.calls.push({ verb: 'delete', ...(namespace ? { namespace } : {}), name }); return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } as Status; },
      deleteCollection: async () => unsupported(),
      watch: () => unsupported(),
      createSubresource: async (namespace, name, sub, body) => {
        if (sub !== 'binding') unsupported();
        if (self.failBinds) throw new Error('binding refused');
        self.calls.push({ verb: 'bind', ...(namespace ? { namespace } : {}), name, body });
        return {};
      },
    };
  }
  bindings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.calls) if (c.verb === 'bind') out[c.name] = (c.body as { target: { name: string } }).target.name;
    return out;
  }
}
