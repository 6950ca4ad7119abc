// Lease-based leader election (coordination.k8s.io/v1): acquire or renew with compare-and-swap
// updates so two candidates can never both hold the lease; release on stop for quick failover.
import type { Lease } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import { rfc3339Micro } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { ApiError, isNotFound, type Clientset } from './interfaces.js';
import { R } from './resources.js';

export interface LeaderElectionOptions {
  clientset: Clientset;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock: Clock;
  logger: Logger;
  /** Runs while leading; its signal aborts when leadership is lost or the election stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
}

/** The decision of one election round (pure). */
export function canTake(lease: Lease | undefined, identity: string, nowMs: number, observedAtMs: number): boolean {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return true;
  if (spec.holderIdentity === identity) return true;
  const dur = (spec.leaseDurationSeconds ?? 15) * 1000;
  return nowMs > observedAtMs + dur;
}

/** Runs elections until `signal` aborts. */
export async function runLeaderElection(o: LeaderElectionOptions, signal: AbortSignal): Promise<void> {
  const leases = o.clientset.resource<Lease>(R.leases);
  const leaseMs = o.leaseDurationMs ?? 15_000;
  const renewMs = o.renewDeadlineMs ?? 10_000;
  const retryMs = o.retryPeriodMs ?? 2_000;
  // When we last saw the lease change (observer clock, as upstream: never trust remote clocks).
  let observed: { rv: string; at: number } = { rv: '', at: o.clock.now() };

  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = o.clock.now();
    let cur: Lease | undefined;
    try {
      cur = await leases.get(o.namespace, o.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (cur && cur.metadata.resourceVersion !== observed.rv) observed = { rv: cur.metadata.resourceVersion ?? '', at: now };
    if (!canTake(cur, o.identity, now, observed.at)) return false;
    const micro = rfc3339Micro(now);
    const wasMine = cur?.spec?.holderIdentity === o.identity;
    const spec = {
      holderIdentity: o.identity,
      leaseDurationSeconds: Math.round(leaseMs / 1000),
      acquireTime: wasMine ? cur?.spec?.acquireTime ?? micro : micro,
      renewTime: micro,
      leaseTransitions: (cur?.spec?.leaseTransitions ?? 0) + (wasMine || !cur?.spec?.holderIdentity ? 0 : 1),
    };
    try {
      if (!cur) await leases.create(o.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: o.name, namespace: o.namespace }, spec });
      else {
        const next = await leases.update(o.namespace, { ...cur, spec });
        observed = { rv: next.metadata.resourceVersion ?? '', at: now };
      }
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) return false;
      throw err;
    }
  };

  while (!signal.aborted) {
    // 1. acquire
    let acquired = false;
    try {
      acquired = await tryAcquireOrRenew();
    } catch (err) {
      o.logger.warn({ err: (err as Error).message }, 'leader election: acquire failed');
    }
    if (!acquired) {
      await o.clock.sleep(retryMs, signal).catch(() => {});
      continue;
    }
    o.logger.info({ identity: o.identity, lease: `${o.namespace}/${o.name}` }, 'became leader');
    // 2. lead while renewing within the renew deadline
    const leading = new AbortController();
    const onStop = () => leading.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const work = Promise.resolve().then(() => o.onStartedLeading(leading.signal)).catch((err: Error) => o.logger.error({ err: err.message }, 'leader work failed'));
    let lastRenew = o.clock.now();
    while (!signal.aborted) {
      await o.clock.sleep(retryMs, signal).catch(() => {});
      if (signal.aborted) break;
      let ok = false;
      try {
        ok = await tryAcquireOrRenew();
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'leader election: renew failed');
      }
      if (ok) lastRenew = o.clock.now();
      else if (o.clock.now() - lastRenew > renewMs) break;
    }
    leading.abort();
    signal.removeEventListener('abort', onStop);
    await work;
    o.logger.info({ identity: o.identity }, 'stopped leading');
    o.onStoppedLeading?.();
    // 3. release so another candidate takes over at once
    if (signal.aborted) {
      try {
        const cur = await leases.get(o.namespace, o.name);
        if (cur.spec?.holderIdentity === o.identity) await leases.update(o.namespace, { ...cur, spec: { ...cur.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      } catch {
        /* best effort */
      }
    }
  }
}
