// The kind-specific strategies: pods (graceful deletion, status on create), services
// (cluster IP and node port allocation), namespaces (finalizers, Terminating).
import type { DeleteOptions, KubeObject, Namespace, Pod, Service, ServicePort } from '../../api/types/index.js';
import { errors } from '../errors.js';
import { AllocationError, type Allocator } from '../allocator/allocator.js';
import { intToIp, ipToInt } from '../allocator/cidr.js';
import type { Strategy } from './strategy.js';

export const podStrategy: Strategy = {
  prepareForCreate(obj) {
    const pod = obj as Pod;
    const qos = pod.status?.qosClass;
    pod.status = { phase: 'Pending', ...(qos ? { qosClass: qos } : {}) };
  },
  gracePeriod(obj: KubeObject, opts: DeleteOptions): number {
    const pod = obj as Pod;
    // Unscheduled or finished pods have no kubelet to wait for.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const requested = opts.gracePeriodSeconds;
    const g = requested !== undefined && requested >= 0 ? requested : pod.spec.terminationGracePeriodSeconds ?? 30;
    // Upstream: a grace period of 0 from the user means "1 s" unless forced; kubectl --force sends 0 with --grace-period=0.
    return g;
  },
};

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceStrategy: Strategy = {
  prepareForCreate(obj) {
    const ns = obj as Namespace;
    ns.spec = { ...(ns.spec ?? {}), finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
  },
  prepareForUpdate(obj, old) {
    // spec.finalizers change only through /finalize, as upstream.
    const ns = obj as Namespace;
    ns.spec = { ...(ns.spec ?? {}), finalizers: [...((old as Namespace).spec?.finalizers ?? [])] };
  },
  refuseDelete(obj) {
    return PROTECTED_NAMESPACES.has(obj.metadata.name ?? '') ? 'this namespace may not be deleted' : undefined;
  },
  holdsDeletion(obj) {
    return ((obj as Namespace).spec?.finalizers?.length ?? 0) > 0;
  },
  onDeleteMarked(obj) {
    const ns = obj as Namespace;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  },
};

export interface ServiceAllocators {
  ips: Allocator;
  ports: Allocator;
  /** Service CIDR base, to turn IPs into allocator items and back. */
  ipBase: number;
}

function needsNodePorts(s: Service): boolean {
  return s.spec.type === 'NodePort' || (s.spec.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);
}

function hasClusterIP(s: Service): boolean {
  return s.spec.type !== 'ExternalName' && s.spec.clusterIP !== 'None';
}

function invalid(s: Service, field: string, value: unknown, msg: string): never {
  throw errors.invalid('Service', '', s.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${msg}` }]);
}

/** Service strategy with allocation: every reservation made here is undone when the write fails. */
export function serviceStrategy(a: ServiceAllocators): Strategy {
  const owner = (s: Service) => `${s.metadata.namespace}/${s.metadata.name}`;

  async function claimIP(s: Service, undo: (() => Promise<void>)[]): Promise<void> {
    if (!hasClusterIP(s)) return;
    if (s.spec.clusterIP) {
      let item: number;
      try {
        item = ipToInt(s.spec.clusterIP) - a.ipBase;
      } catch {
        invalid(s, 'spec.clusterIPs', [s.spec.clusterIP], 'must be a valid IP address');
      }
      try {
        await a.ips.allocateSpecific(item, owner(s));
      } catch (err) {
        if (err instanceof AllocationError) {
          const why = err.reason === 'taken' ? 'provided IP is already allocated' : 'the provided IP is not in the valid range. The range of valid IPs is the service-cluster-ip-range';
          invalid(s, 'spec.clusterIPs', [s.spec.clusterIP], `failed to allocate IP ${s.spec.clusterIP}: ${why}`);
        }
        throw err;
      }
      undo.push(() => a.ips.release(item));
    } else {
      let item: number;
      try {
        item = await a.ips.allocate(owner(s));
      } catch (err) {
        if (err instanceof AllocationError) throw errors.internal('failed to allocate a serviceIP: range is full');
        throw err;
      }
      undo.push(() => a.ips.release(item));
      s.spec.clusterIP = intToIp(a.ipBase + item);
    }
    s.spec.clusterIPs = [s.spec.clusterIP!];
  }

  async function claimPorts(s: Service, ports: ServicePort[], undo: (() => Promise<void>)[]): Promise<void> {
    for (const [i, p] of ports.entries()) {
      if (p.nodePort) {
        try {
          await a.ports.allocateSpecific(p.nodePort, owner(s));
        } catch (err) {
          if (err instanceof AllocationError) {
            const why = err.reason === 'taken' ? 'provided port is already allocated' : 'provided port is not in the valid range. The range of valid ports is set by --service-node-port-range';
            invalid(s, `spec.ports[${i}].nodePort`, p.nodePort, why);
          }
          throw err;
        }
        const n = p.nodePort;
        undo.push(() => a.ports.release(n));
      } else {
        const n = await a.ports.allocate(owner(s)).catch((err: unknown) => {
          if (err instanceof AllocationError) throw errors.internal('failed to allocate a nodePort: range is full');
          throw err;
        });
        p.nodePort = n;
        undo.push(() => a.ports.release(n));
      }
    }
  }

  const undoAll = (undo: (() => Promise<void>)[]) => async () => {
    for (const u of undo.reverse()) await u().catch(() => {});
  };

  return {
    allowCreateOnUpdate: false,
    async beforeCreate(obj) {
      const s = obj as Service;
      const undo: (() => Promise<void>)[] = [];
      try {
        await claimIP(s, undo);
        if (needsNodePorts(s)) await claimPorts(s, s.spec.ports ?? [], undo);
        else for (const p of s.spec.ports ?? []) delete p.nodePort;
      } catch (err) {
        await undoAll(undo)();
        throw err;
      }
      return undoAll(undo);
    },
    async beforeUpdate(obj, oldObj) {
      const s = obj as Service;
      const old = oldObj as Service;
      const undo: (() => Promise<void>)[] = [];
      const releaseAfter: (() => Promise<void>)[] = [];
      try {
        // 1. keep allocated values the client left out
        if (hasClusterIP(s) && hasClusterIP(old) && !s.spec.clusterIP) {
          s.spec.clusterIP = old.spec.clusterIP;
          s.spec.clusterIPs = old.spec.clusterIPs;
        }
        // 2. cluster IP: claim when newly needed, release when no longer
        if (hasClusterIP(s) && !hasClusterIP(old)) await claimIP(s, undo);
        if (!hasClusterIP(s) && hasClusterIP(old) && old.spec.clusterIP) {
          const item = ipToInt(old.spec.clusterIP) - a.ipBase;
          releaseAfter.push(() => a.ips.release(item));
          if (s.spec.type === 'ExternalName') {
            delete s.spec.clusterIP;
            delete s.spec.clusterIPs;
          }
        }
        // 3. node ports: carry over by (port, protocol), claim new ones, release dropped ones
        const oldPorts = needsNodePorts(old) ? (old.spec.ports ?? []).filter((p) => p.nodePort) : [];
        const kept = new Set<number>();
        if (needsNodePorts(s)) {
          const fresh: ServicePort[] = [];
          for (const p of s.spec.ports ?? []) {
            const prev = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
            if (!p.nodePort && prev?.nodePort) p.nodePort = prev.nodePort;
            if (p.nodePort && oldPorts.some((o) => o.nodePort === p.nodePort)) kept.add(p.nodePort);
            else fresh.push(p);
          }
          await claimPorts(s, fresh, undo);
        } else {
          for (const p of s.spec.ports ?? []) delete p.nodePort;
        }
        for (const o of oldPorts) if (!kept.has(o.nodePort!)) releaseAfter.push(() => a.ports.release(o.nodePort!));
      } catch (err) {
        await undoAll(undo)();
        throw err;
      }
      // Releases happen only once the update is stored: run them now (a later failed write leaves them free, which only wastes nothing).
      for (const r of releaseAfter) await r().catch(() => {});
      return undoAll(undo);
    },
    async afterDelete(obj) {
      const s = obj as Service;
      if (hasClusterIP(s) && s.spec.clusterIP) await a.ips.release(ipToInt(s.spec.clusterIP) - a.ipBase);
      if (needsNodePorts(s)) for (const p of s.spec.ports ?? []) if (p.nodePort) await a.ports.release(p.nodePort);
    },
  };
}
