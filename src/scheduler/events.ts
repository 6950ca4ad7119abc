// Event emission that never competes with bindings: a bounded queue drained by a few writers.
// Like upstream's broadcaster, a burst beyond the queue's capacity drops events rather than slowing scheduling.
import type { KubeObject } from '../api/types/meta.js';
import type { EventSink } from './scheduler.js';

/** Where events are finally written (an EventRecorder). */
export interface EventWriter {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> | void;
}

/** Contract: `event` returns at once; at most `concurrency` writes in flight; beyond `capacity` queued, events are dropped and counted. */
export class BoundedEventSink implements EventSink {
  private queue: [KubeObject, 'Normal' | 'Warning', string, string][] = [];
  private active = 0;
  dropped = 0;
  constructor(private writer: EventWriter, private opts: { capacity?: number; concurrency?: number } = {}) {}

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.queue.length >= (this.opts.capacity ?? 1000)) { this.dropped++; return; }
    this.queue.push([obj, type, reason, message]);
    this.pump();
  }

  private pump(): void {
    while (this.active < (this.opts.concurrency ?? 4) && this.queue.length > 0) {
      const e = this.queue.shift()!;
      this.active++;
      void Promise.resolve()
        .then(() => this.writer.event(...e))
        .catch(() => undefined)
        .finally(() => { this.active--; this.pump(); });
    }
  }

  /** Resolves when nothing is queued or in flight (tests). */
  async drain(): Promise<void> {
    while (this.active > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
