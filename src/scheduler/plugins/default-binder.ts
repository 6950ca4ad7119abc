// DefaultBinder: POSTs a Binding to pods/<name>/binding.
import type { Clientset } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import { Status, type BindPlugin } from '../framework/interface.js';

export const DEFAULT_BINDER = 'DefaultBinder';

/** Contract: Bind only; an API error becomes an Error status carrying its message. */
export function newDefaultBinder(handle: { clientset: Clientset | undefined }): BindPlugin {
  return {
    name: DEFAULT_BINDER,
    bind: async (_s, pod, nodeName) => {
      const cs = handle.clientset;
      if (!cs) return Status.error('no clientset');
      const ns = pod.metadata.namespace ?? 'default';
      const name = pod.metadata.name!;
      try {
        await cs.resource(R.pods).createSubresource(ns, name, 'binding', {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace: ns, uid: pod.metadata.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
        });
        return Status.OK;
      } catch (e) {
        return Status.error((e as Error).message);
      }
    },
  };
}
