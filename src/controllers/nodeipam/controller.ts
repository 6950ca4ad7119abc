// Node IPAM: assigns spec.podCIDR/podCIDRs from the cluster CIDR; frees them when nodes go.
import type { Node } from '../../api/types/index.js';
import type { Informer } from '../../client/cache/interfaces.js';
import { isNotFound } from '../../client/interfaces.js';
import { R } from '../../client/resources.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { ControllerContext } from '../common/context.js';
import { runController } from '../common/run.js';
import { CidrAllocator } from './cidr.js';

/** Options: the cluster CIDR and node mask size, as the upstream flags. */
export interface NodeIpamOptions { clusterCidr: string; nodeCidrMaskSize: number }

/** Contract: a Runnable + Reconciler over node names. The used set is rebuilt from the cache before the first allocation. */
export class NodeIpamController {
  readonly name = 'nodeipam';
  readonly queue: WorkQueue<string>;
  readonly allocator: CidrAllocator;
  private readonly nodeInformer: Informer<Node>;
  /** node name → the CIDR we know it holds (to release on delete). */
  private readonly held = new Map<string, string>();
  private rebuilt = false;

  constructor(private readonly ctx: ControllerContext, opts: NodeIpamOptions) {
    this.queue = ctx.newQueue(this.name);
    this.allocator = new CidrAllocator(opts.clusterCidr, opts.nodeCidrMaskSize);
    this.nodeInformer = ctx.informers.informerFor<Node>(R.nodes);
    this.nodeInformer.addEventHandler({
      onAdd: (n) => this.queue.add(n.metadata.name!),
      onUpdate: (_o, n) => this.queue.add(n.metadata.name!),
      onDelete: (n) => this.queue.add(n.metadata.name!),
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ name: this.name, ctx: this.ctx, queue: this.queue, reconciler: this, informers: [this.nodeInformer], workers: 1 }, signal);
  }

  /** Marks every CIDR already assigned in the cache as used (once, after sync). */
  private rebuild(): void {
    if (this.rebuilt) return;
    for (const n of this.nodeInformer.store.list()) {
      const c = n.spec?.podCIDRs?.[0] ?? n.spec?.podCIDR;
      if (c && this.allocator.occupy(c)) this.held.set(n.metadata.name!, c);
    }
    this.rebuilt = true;
  }

  /** Steps: 1. rebuild the used set; 2. node gone → release; 3. has a CIDR → record it; 4. else allocate and patch (release on failure). */
  async reconcile(name: string): Promise<void> {
    this.rebuild();
    const node = this.nodeInformer.store.get(name);
    if (!node) {
      const c = this.held.get(name);
      if (c) {
        this.allocator.release(c);
        this.held.delete(name);
      }
      return;
    }
    const existing = node.spec?.podCIDRs?.[0] ?? node.spec?.podCIDR;
    if (existing) {
      if (this.held.get(name) !== existing && this.allocator.occupy(existing)) this.held.set(name, existing);
      return;
    }
    const held = this.held.get(name);
    const cidr = held ?? this.allocator.allocate();
    if (!cidr) {
      this.ctx.recorder.event(node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error('no remaining pod CIDRs in the cluster CIDR');
    }
    this.held.set(name, cidr);
    try {
      await this.ctx.clientset.resource<Node>(R.nodes).patch(undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
      this.ctx.recorder.event(node, 'Normal', 'CIDRAssignmentSucceeded', `Node ${name} assigned pod CIDR ${cidr}`);
    } catch (e) {
      this.held.delete(name);
      this.allocator.release(cidr);
      if (!isNotFound(e)) throw e;
    }
  }
}
