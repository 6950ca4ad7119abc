// Where a pod's kubelet answers and which container a pod subresource request means; shared by
// pods/log and the streaming subresources (exec, attach, portforward).
import type { Node, Pod } from '../../api/types/index.js';
import { errors } from '../errors.js';
import { kubeletEndpoint } from './proxy-target.js';

/** Looks up a node by name (storage read). */
export type NodeGetter = (name: string) => Promise<Node | undefined>;

/** The kubelet endpoint of the pod's node; 400 when the pod is unbound, 503 when the node has not reported one. */
export async function kubeletAddress(getNode: NodeGetter, pod: Pod): Promise<{ ip: string; port: number }> {
  if (!pod.spec.nodeName) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const k = kubeletEndpoint(await getNode(pod.spec.nodeName));
  if (!k) throw errors.unavailable(`no kubelet is reachable for node ${pod.spec.nodeName}: the node has not reported an InternalIP and kubelet port`);
  return { ip: k.host, port: k.port };
}

/**
 * The container `requested` names in `pod` (any of its init, regular or, with `ephemeral`,
 * ephemeral containers); without a name, the only container. 400 otherwise, as upstream.
 */
export function podContainer(pod: Pod, requested: string | null, ephemeral = false): string {
  const name = pod.metadata.name!;
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(ephemeral ? (pod.spec.ephemeralContainers ?? []) : [])].map((c) => c.name);
  let container = requested ?? '';
  if (!container) {
    if (pod.spec.containers.length !== 1) {
      throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
    }
    container = pod.spec.containers[0]!.name;
  }
  if (!all.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}
