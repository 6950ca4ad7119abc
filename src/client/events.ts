// EventRecorder: writes core/v1 Events about objects, folding repeats of the same
// (object, reason, message) into a count, and never throwing into the caller.
import { randomBytes } from 'node:crypto';
import type { Event, KubeObject } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import { realClock, rfc3339, rfc3339Micro } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import type { Clientset } from './interfaces.js';
import { R } from './resources.js';

export interface EventRecorderOptions {
  clientset: Clientset;
  component: string;
  host?: string;
  clock?: Clock;
  logger?: Logger;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.logger ?? silentLogger();
  }

  /** Records an event; resolves when written (or failed and logged). */
  async event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const events = this.o.clientset.resource<Event>(R.events);
    const namespace = obj.metadata.namespace || 'default';
    const key = [obj.metadata.uid, obj.kind, obj.metadata.name, reason, message, fieldPath ?? ''].join('\u0000');
    const now = this.clock.now();
    const ts = rfc3339(now);
    const prev = this.seen.get(key);
    try {
      if (prev) {
        prev.count++;
        await events.patch(prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
        return;
      }
      const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
      const ev: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}) },
        reason,
        message,
        source: { component: this.o.component, ...(this.o.host ? { host: this.o.host } : {}) },
        firstTimestamp: ts,
        lastTimestamp: ts,
        eventTime: null,
        count: 1,
        type,
        reportingComponent: this.o.component,
        reportingInstance: this.o.host ?? '',
      };
      this.seen.set(key, { name, namespace, count: 1, first: ts });
      if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value!);
      await events.create(namespace, ev);
    } catch (err) {
      this.log.warn({ reason, object: `${namespace}/${obj.metadata.name}`, err: (err as Error).message }, 'could not record event');
      if (prev) this.seen.delete(key);
    }
  }
}
