// Event correlation as client-go's EventCorrelator does it before writing (pure, clock-driven):
// 1. aggregation: once more than 10 events about one object differ only in their message within
//    10 minutes, they fold into one "(combined from similar events): …" event whose count grows;
// 2. observation: an event equal to one already written bumps that one's count (a PATCH);
// 3. spam filter: per source + object, a token bucket of 25 events refilled at one per 5 minutes;
//    events beyond it are dropped.

export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 600_000;
export const SPAM_BURST = 25;
export const SPAM_QPS = 1 / 300;
const MAX_ENTRIES = 4096;

/** The identifying fields of an event, as the correlator keys them. */
export interface EventFacts {
  source: string;
  object: string;
  fieldPath: string;
  type: string;
  reason: string;
  message: string;
}

/** What to write: a new event, a count bump of an earlier one (by cache key), or nothing. */
export type Correlation =
  | { action: 'skip' }
  | { action: 'create'; key: string; message: string }
  | { action: 'patch'; key: string; message: string; count: number };

const join = (...parts: string[]) => parts.join('\u0000');

/** Which steps run: all by default (client-go tools/record); the count bump always runs. */
export interface CorrelatorOptions {
  aggregate?: boolean;
  spamFilter?: boolean;
}

/** Contract: one instance per recorder; `correlate` is called once per emitted event, in order. */
export class EventCorrelator {
  constructor(private readonly opts: CorrelatorOptions = {}) {}

  private readonly aggregates = new Map<string, { messages: Set<string>; last: number }>();
  private readonly observed = new Map<string, { count: number }>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Steps 1–3 of the file comment; mutates the caches as upstream does, even for skipped events. */
  correlate(e: EventFacts, now: number): Correlation {
    // 1. aggregation
    const aggKey = join(e.source, e.object, e.type, e.reason);
    let agg = this.aggregates.get(aggKey);
    if (!agg || now - agg.last > AGGREGATE_INTERVAL_MS) agg = { messages: new Set(), last: now };
    agg.last = now;
    agg.messages.add(e.message);
    bounded(this.aggregates, aggKey, agg);
    let key = join(e.source, e.object, e.fieldPath, e.type, e.reason, e.message);
    let message = e.message;
    if (this.opts.aggregate !== false && agg.messages.size >= AGGREGATE_MAX_EVENTS) {
      agg.messages.delete(agg.messages.values().next().value!);
      key = aggKey;
      message = `(combined from similar events): ${e.message}`;
    }
    // 3. spam filter (a dropped event leaves the observed counts alone)
    const spamKey = join(e.source, e.object);
    const b = this.buckets.get(spamKey) ?? { tokens: SPAM_BURST, at: now };
    b.tokens = Math.min(SPAM_BURST, b.tokens + ((now - b.at) / 1000) * SPAM_QPS);
    b.at = now;
    bounded(this.buckets, spamKey, b);
    if (this.opts.spamFilter !== false) {
      if (b.tokens < 1) return { action: 'skip' };
      b.tokens -= 1;
    }
    // 2. observation
    const seen = this.observed.get(key);
    if (seen) {
      seen.count++;
      return { action: 'patch', key, message, count: seen.count };
    }
    bounded(this.observed, key, { count: 1 });
    return { action: 'create', key, message };
  }

  /** Forgets a written event (its write failed), so the next one creates it again. */
  forget(key: string): void {
    this.observed.delete(key);
  }
}

function bounded<V>(m: Map<string, V>, k: string, v: V): void {
  m.delete(k);
  m.set(k, v);
  if (m.size > MAX_ENTRIES) m.delete(m.keys().next().value!);
}
