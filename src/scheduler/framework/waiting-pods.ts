// Pods held at Permit: each waits until every plugin that answered Wait allows it, any plugin (or
// anyone holding the framework handle) rejects it, or a plugin's timeout passes (upstream waitingPod).
import type { Pod } from '../../api/types/core.js';
import type { Clock } from '../../util/clock.js';
import { Code, Status } from './interface.js';

/** Contract: resolves once; the first reject or the last allow decides. */
export class WaitingPod {
  readonly pod: Pod;
  private pending = new Map<string, AbortController>();
  private settle!: (s: Status) => void;
  private done = false;
  /** Success when every plugin allowed; Unschedulable (with the plugin) when rejected or timed out. */
  readonly result: Promise<Status>;

  /** `timeouts`: plugin name → how long it lets the pod wait (ms). */
  constructor(pod: Pod, timeouts: Map<string, number>, clock: Clock) {
    this.pod = pod;
    this.result = new Promise((r) => { this.settle = r; });
    for (const [plugin, ms] of timeouts) {
      const ac = new AbortController();
      this.pending.set(plugin, ac);
      clock.sleep(ms, ac.signal).then(
        () => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`),
        () => undefined,
      );
    }
  }

  /** Plugins that have not allowed the pod yet. */
  pendingPlugins(): string[] { return [...this.pending.keys()]; }

  /** Marks `plugin` as allowing the pod; the pod proceeds once no plugin is pending. */
  allow(plugin: string): void {
    const ac = this.pending.get(plugin);
    if (!ac || this.done) return;
    ac.abort();
    this.pending.delete(plugin);
    if (this.pending.size === 0) this.finish(Status.OK);
  }

  /** Rejects the pod (it goes back to the queue as unschedulable). */
  reject(plugin: string, message: string): void {
    if (this.done) return;
    this.finish(new Status(Code.Unschedulable, [message], plugin));
  }

  private finish(s: Status): void {
    this.done = true;
    for (const ac of this.pending.values()) ac.abort();
    this.pending.clear();
    this.settle(s);
  }
}

/** Contract: the waiting pods of one framework by pod UID. */
export class WaitingPods {
  private pods = new Map<string, WaitingPod>();
  add(uid: string, wp: WaitingPod): void { this.pods.set(uid, wp); }
  get(uid: string): WaitingPod | undefined { return this.pods.get(uid); }
  remove(uid: string): void { this.pods.delete(uid); }
  forEach(f: (wp: WaitingPod) => void): void { for (const wp of [...this.pods.values()]) f(wp); }
}
