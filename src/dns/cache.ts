// A TTL cache of forwarded answers, keyed by question (name, type, class). Time comes from a Clock.
import type { Answer, Packet } from 'dns-packet';
import type { Clock } from '../util/clock.js';

interface Entry {
  packet: Packet;
  storedAt: number;
  expiresAt: number;
}

/** Cache options: `maxTtlSec` caps positive answers, `negativeTtlSec` is used when no SOA says otherwise. */
export interface DnsCacheOptions {
  clock: Clock;
  maxEntries?: number;
  maxTtlSec?: number;
  negativeTtlSec?: number;
}

/** Cache key of a query's first question. */
export function questionKey(p: Packet): string | undefined {
  const q = p.questions?.[0];
  return q ? `${q.name.toLowerCase().replace(/\.$/, '')}|${q.type}|${q.class ?? 'IN'}` : undefined;
}

function ttlOf(a: Answer): number | undefined {
  return 'ttl' in a ? a.ttl : undefined;
}

/** Caches responses; `get` returns a copy with the query's id and TTLs reduced by the time spent in cache. */
export class DnsCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly o: DnsCacheOptions) {}

  /** Stores a response (SERVFAIL and truncated responses are not cached). */
  put(response: Packet): void {
    const key = questionKey(response);
    const rcode = (response.flags ?? 0) & 0xf;
    if (!key || rcode === 2 || ((response.flags ?? 0) & (1 << 9)) !== 0) return;
    // 1. TTL: smallest answer TTL; for negative answers the SOA minimum (RFC 2308).
    const answers = (response.answers ?? []).filter((a) => a.type !== 'OPT');
    let ttl: number;
    if (answers.length > 0) ttl = Math.min(...answers.map((a) => ttlOf(a) ?? 0));
    else {
      const soa = (response.authorities ?? []).find((a) => a.type === 'SOA');
      ttl = soa && soa.type === 'SOA' ? Math.min(soa.ttl ?? 0, soa.data.minimum ?? 0) : this.o.negativeTtlSec ?? 5;
    }
    ttl = Math.min(ttl, this.o.maxTtlSec ?? 3600);
    if (ttl <= 0) return;
    // 2. Bound the size: drop the oldest entry.
    if (this.entries.size >= (this.o.maxEntries ?? 10_000)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const now = this.o.clock.now();
    this.entries.set(key, { packet: response, storedAt: now, expiresAt: now + ttl * 1000 });
  }

  /** The cached response to `query`, or undefined when absent or expired. */
  get(query: Packet): Packet | undefined {
    const key = questionKey(query);
    if (!key) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.o.clock.now();
    if (now >= e.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    const aged = Math.floor((now - e.storedAt) / 1000);
    const age = (list: Answer[] | undefined) => (list ?? []).map((a) => (a.type === 'OPT' ? a : { ...a, ttl: Math.max(0, (ttlOf(a) ?? 0) - aged) }) as Answer);
    return { ...e.packet, id: query.id, questions: query.questions, answers: age(e.packet.answers), authorities: age(e.packet.authorities), additionals: age(e.packet.additionals) };
  }

  get size(): number {
    return this.entries.size;
  }
}
