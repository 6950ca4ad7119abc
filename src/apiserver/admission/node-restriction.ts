// NodeRestriction: a kubelet (system:node:<name>) may write only its own Node and Lease, create
// only mirror pods bound to itself, update the status of and delete only pods bound to itself.
// Other users pass through. Runs as a validating plugin.
import type { KubeObject, Pod } from '../../api/types/index.js';
import { nodeNameOf } from '../authz/node.js';
import { errors } from '../errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from './interface.js';

const MIRROR = 'kubernetes.io/config.mirror';

function forbid(a: AdmissionAttributes, why: string): never {
  throw errors.forbidden({ group: a.resource.group, resource: a.resource.resource }, a.name, why);
}

const podNode = (o: KubeObject | undefined) => (o as Pod | undefined)?.spec?.nodeName;

export class NodeRestriction implements AdmissionPlugin {
  readonly name = 'NodeRestriction';

  validate(a: AdmissionAttributes): void {
    const node = nodeNameOf(a.user);
    if (!node) return;
    const { group, resource } = a.resource;
    if (group === '' && resource === 'pods') return this.pod(a, node);
    if (group === '' && resource === 'nodes') {
      if (a.name !== node) forbid(a, `node "${node}" is not allowed to modify node "${a.name}"`);
      return;
    }
    if (group === 'coordination.k8s.io' && resource === 'leases' && a.namespace === 'kube-node-lease') {
      if (a.name !== node) forbid(a, `can only access node lease with the same name as the requesting node`);
    }
  }

  private pod(a: AdmissionAttributes, node: string): void {
    if (a.subresource === 'status') {
      if (podNode(a.oldObject) !== node) forbid(a, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      return;
    }
    if (a.subresource) return;
    switch (a.operation) {
      case 'CREATE':
        if (!a.object.metadata?.annotations?.[MIRROR]) forbid(a, `pod does not have "${MIRROR}" annotation, node "${node}" can only create mirror pods`);
        if (podNode(a.object) !== node) forbid(a, `node "${node}" can only create pods with spec.nodeName set to itself`);
        return;
      case 'DELETE':
        if (podNode(a.oldObject ?? a.object) !== node) forbid(a, `node "${node}" can only delete pods with spec.nodeName set to itself`);
        return;
      default:
        forbid(a, `unexpected operation "${a.operation}", node "${node}" can only create and delete mirror pods`);
    }
  }
}
