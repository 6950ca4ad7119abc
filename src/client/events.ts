// EventRecorder: writes core/v1 Events about objects after client-go's correlation (see
// event-correlator.ts: aggregation of similar events, count bumps of repeats, a per-object spam
// filter), never throwing into the caller.
import { randomBytes } from 'node:crypto';
import type { Event, KubeObject } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import { realClock, rfc3339 } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { EventCorrelator } from './event-correlator.js';
import type { Clientset } from './interfaces.js';
import { R } from './resources.js';

export interface EventRecorderOptions {
  clientset: Clientset;
  component: string;
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /**
   * client-go tools/record's aggregation and per-object spam filter (default on, as the
   * controller-manager and kubelet use it); off for components that upstream records through
   * the events.k8s.io broadcaster, which has neither (the scheduler).
   */
  correlate?: boolean;
}

/** A written event: where it lives, and the write in flight (later bumps wait for it). */
interface Written {
  name: string;
  namespace: string;
  pending: Promise<unknown>;
}

export class EventRecorder {
  private readonly correlator: EventCorrelator;
  private readonly written = new Map<string, Written>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.logger ?? silentLogger();
    this.correlator = new EventCorrelator({ aggregate: o.correlate !== false, spamFilter: o.correlate !== false });
  }

  /** Records an event; resolves when written (or dropped, or failed and logged). */
  async event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const events = this.o.clientset.resource<Event>(R.events);
    const namespace = obj.metadata.namespace || 'default';
    const now = this.clock.now();
    const ts = rfc3339(now);
    const c = this.correlator.correlate({
      source: `${this.o.component}\u0000${this.o.host ?? ''}`,
      object: [obj.kind, obj.metadata.namespace, obj.metadata.name, obj.metadata.uid, obj.apiVersion].join('\u0000'),
      fieldPath: fieldPath ?? '', type, reason, message,
    }, now);
    if (c.action === 'skip') return;
    const prev = this.written.get(c.key);
    try {
      if (c.action === 'patch' && prev) {
        const write = prev.pending.catch(() => undefined).then(() => events.patch(prev.namespace, prev.name, 'merge', { count: c.count, message: c.message, lastTimestamp: ts }));
        prev.pending = write;
        await write;
        return;
      }
      const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
      const ev: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}) },
        reason,
        message: c.message,
        source: { component: this.o.component, ...(this.o.host ? { host: this.o.host } : {}) },
        firstTimestamp: ts,
        lastTimestamp: ts,
        eventTime: null,
        count: 1,
        type,
        reportingComponent: this.o.component,
        reportingInstance: this.o.host ?? '',
      };
      const write = events.create(namespace, ev);
      this.written.set(c.key, { name, namespace, pending: write });
      if (this.written.size > 4096) this.written.delete(this.written.keys().next().value!);
      await write;
    } catch (err) {
      this.log.warn({ reason, object: `${namespace}/${obj.metadata.name}`, err: (err as Error).message }, 'could not record event');
      this.correlator.forget(c.key);
      this.written.delete(c.key);
    }
  }
}
