// What every controller is built from: clients, shared informers, time, logs, events, metrics.
import type { KubeObject } from '../../api/types/index.js';
import type { Clientset } from '../../client/interfaces.js';
import type { SharedInformerFactory } from '../../client/cache/interfaces.js';
import type { WorkQueue } from '../../client/workqueue/interfaces.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerMetrics } from './metrics.js';

/** Emits Kubernetes events about an object (implemented by client/events.ts EventRecorder). */
export interface Recorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): unknown;
}

/** Contract: shared by all controllers of one process; `newQueue` gives each controller its own queue. */
export interface ControllerContext {
  clientset: Clientset;
  informers: SharedInformerFactory;
  clock: Clock;
  logger: Logger;
  recorder: Recorder;
  newQueue(name: string): WorkQueue<string>;
  metrics?: ControllerMetrics;
  /** Workers per controller (default 5). */
  workers?: number;
}

/** A recorder that remembers events, for tests. */
export class FakeRecorder implements Recorder {
  readonly events: { obj: string; type: string; reason: string; message: string }[] = [];
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ obj: `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, type, reason, message });
  }
}
