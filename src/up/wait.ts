// Readiness waits with visible progress for the terminal.
import type { Clock } from '../util/clock.js';
import { queryUDP } from '../dns/forwarder.js';
import type { Node } from '../api/types/index.js';

/**
 * Whether the node's Ready condition is True with a heartbeat at or after `sinceMs` (pure; the
 * wire has whole seconds): a Node kept from an earlier run still says Ready from its last heartbeat.
 */
export function freshlyReady(n: Node | undefined, sinceMs: number): boolean {
  const ready = n?.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && Date.parse(ready.lastHeartbeatTime ?? '') >= Math.floor(sinceMs / 1000) * 1000;
}

/** Polls `check` until it returns true, printing a dot every few seconds; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  o: { clock: Clock; out: NodeJS.WritableStream; timeoutMs: number; signal?: AbortSignal; intervalMs?: number },
): Promise<void> {
  const start = o.clock.now();
  o.out.write(`  waiting for ${what} `);
  let lastDot = start;
  for (;;) {
    if (o.signal?.aborted) throw new Error('interrupted');
    let ok = false;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    const now = o.clock.now();
    if (ok) {
      o.out.write(`ok (${((now - start) / 1000).toFixed(1)}s)\n`);
      return;
    }
    if (now - start > o.timeoutMs) {
      o.out.write('timed out\n');
      throw new Error(`timed out after ${o.timeoutMs / 1000}s waiting for ${what}`);
    }
    if (now - lastDot >= 2000) {
      o.out.write('.');
      lastDot = now;
    }
    await o.clock.sleep(o.intervalMs ?? 200, o.signal);
  }
}

/** True when an HTTP GET of `url` answers 200. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

/** True when the DNS server at `host:port` answers an A query for `name` with at least one address. */
export async function dnsAnswers(host: string, port: number, name: string): Promise<boolean> {
  try {
    const r = await queryUDP({ host, port }, { type: 'query', id: Math.floor(Math.random() * 65535), flags: 256, questions: [{ type: 'A', name, class: 'IN' }] }, 2000);
    return (r.answers ?? []).some((a) => a.type === 'A');
  } catch {
    return false;
  }
}
