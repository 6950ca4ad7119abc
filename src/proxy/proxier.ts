// The proxier: watches Services and EndpointSlices and keeps the node's iptables in line with
// them. Full sync at start and every syncPeriod; in between only changed chains are rewritten;
// syncs are at least minSyncPeriod apart. Rules it did not write are never touched.
import type { Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import type { Informer } from '../client/cache/interfaces.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Runnable } from '../util/signals.js';
import type { NodeInfo } from './model.js';
import { FIXED_FILTER_CHAINS, FIXED_NAT_CHAINS, jumpRules, render, RenderCache, type JumpRule, type RenderOptions, type RuleSet } from './render.js';
import { cleanupTransaction, fullTransaction, missingJumps, parseSave, partialTransaction, type SavedTable } from './restore.js';
import { staleUDP, type Conntrack } from './conntrack.js';
import type { Iptables } from './iptables.js';
import type { ProxyMetrics } from './metrics.js';

/** Annotation upstream controllers set on EndpointSlices: when the change that caused it happened. */
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Everything the proxier needs; I/O is behind `iptables` and `conntrack`. */
export interface ProxierOptions {
  services: Informer<Service>;
  endpointSlices: Informer<EndpointSlice>;
  iptables: Iptables;
  conntrack?: Conntrack;
  node: NodeInfo;
  render: RenderOptions;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  clock: Clock;
  logger: Logger;
  metrics?: ProxyMetrics;
}

/** What /healthz reports. */
export interface ProxyHealth {
  healthy: boolean;
  lastSuccessfulSync?: number;
  /** When the last full sync started (epoch ms). */
  lastFullSync?: number;
  lastError?: string;
  /** Oldest change not yet programmed (epoch ms), if any. */
  pendingSince?: number;
}

/** Result of one sync, for logs and tests. */
export interface SyncResult {
  full: boolean;
  written: number;
  deleted: number;
  skipped: boolean;
}

export class Proxier implements Runnable {
  private last?: RuleSet;
  private dirtySince?: number;
  private needFull = true;
  private lastSyncAt = -Infinity;
  private lastFullAt = -Infinity;
  private lastSuccess?: number;
  private lastError?: string;
  private triggerTimes: number[] = [];
  private wake?: () => void;
  private syncing: Promise<unknown> = Promise.resolve();
  private readonly renderCache = new RenderCache();
  /** True while the kernel holds exactly what `last` says (since our last successful sync). */
  private kernelKnown = false;

  constructor(private readonly o: ProxierOptions) {}

  /** Marks state changed; the loop syncs once minSyncPeriod allows. */
  requestSync(triggerTime?: number): void {
    const now = this.o.clock.now();
    this.dirtySince ??= now;
    this.triggerTimes.push(triggerTime ?? now);
    this.wake?.();
  }

  /** Forces the next sync to be full (e.g. after someone flushed the tables). */
  requestFullSync(): void {
    this.needFull = true;
    this.requestSync();
  }

  /** Runs until aborted: 1. wait for caches; 2. hook events; 3. sync loop. */
  async start(signal: AbortSignal): Promise<void> {
    // 1. Caches.
    await Promise.all([this.o.services.waitForSync(signal), this.o.endpointSlices.waitForSync(signal)]);
    // 2. Event handlers: any change marks us dirty.
    const onSvc = () => this.requestSync();
    this.o.services.addEventHandler({ onAdd: onSvc, onUpdate: onSvc, onDelete: onSvc });
    const onSlice = (s: EndpointSlice) => {
      const t = Date.parse(s.metadata.annotations?.[TRIGGER_TIME_ANNOTATION] ?? '');
      this.requestSync(Number.isNaN(t) ? undefined : t);
    };
    this.o.endpointSlices.addEventHandler({ onAdd: onSlice, onUpdate: (_o, n) => onSlice(n), onDelete: onSlice });
    // 3. Loop.
    while (!signal.aborted) {
      const now = this.o.clock.now();
      const fullDue = this.needFull || now >= this.lastFullAt + this.o.syncPeriodMs;
      if (this.dirtySince !== undefined || fullDue) {
        const wait = this.lastSyncAt + this.o.minSyncPeriodMs - now;
        if (wait > 0) {
          await this.sleepOrWake(wait, signal, false);
          continue;
        }
        try {
          await this.syncOnce(fullDue);
        } catch {
          // Logged and recorded in syncOnce; retried after minSyncPeriod (at least 1 s).
          await this.sleepOrWake(Math.max(this.o.minSyncPeriodMs, 1000), signal, false);
        }
        continue;
      }
      await this.sleepOrWake(this.lastFullAt + this.o.syncPeriodMs - now, signal, true);
    }
    await this.syncing.catch(() => undefined);
  }

  private async sleepOrWake(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (wakeable) this.wake = () => ctl.abort();
    try {
      await this.o.clock.sleep(Math.max(0, ms), ctl.signal);
    } catch {
      // woken or aborted
    } finally {
      this.wake = undefined;
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * One sync. Steps: 1. snapshot caches and render; 2. build the transaction (full: read the
   * tables for stale chains and missing jumps; partial: diff against the last applied set);
   * 3. apply; 4. flush stale UDP flows; 5. record metrics and health.
   */
  async syncOnce(full: boolean): Promise<SyncResult> {
    const run = this.doSync(full);
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async doSync(fullRequested: boolean): Promise<SyncResult> {
    const clock = this.o.clock;
    const start = performance.now();
    const startedAt = clock.now();
    this.lastSyncAt = startedAt;
    const pendingTriggers = this.triggerTimes;
    this.triggerTimes = [];
    this.dirtySince = undefined;
    const full = fullRequested || this.needFull || this.last === undefined;
    try {
      // 1. Render.
      const next = render(this.o.services.store.list(), this.o.endpointSlices.store.list(), this.o.node, this.o.render, this.renderCache);
      // 2. Transaction.
      let tx;
      if (full) {
        tx = fullTransaction(next, ...(await this.kernelState(next)), { listFirst: this.o.iptables.listFirstHelps });
      } else {
        tx = partialTransaction(this.last!, next, [], { listFirst: this.o.iptables.listFirstHelps });
      }
      // 3. Apply.
      if (tx) await this.o.iptables.restore(tx.text);
      // 4. Stale UDP conntrack entries.
      const prevPorts = this.last?.servicePorts ?? [];
      this.last = next;
      if (this.o.conntrack) {
        for (const d of staleUDP(prevPorts, next.servicePorts)) {
          await this.o.conntrack.deleteUDP(d).catch((err: unknown) => this.o.logger.warn({ err, deletion: d }, 'conntrack delete failed'));
        }
      }
      // 5. Bookkeeping.
      this.kernelKnown = true;
      if (full) {
        this.needFull = false;
        this.lastFullAt = startedAt;
      }
      const doneAt = clock.now();
      this.lastSuccess = doneAt;
      this.lastError = undefined;
      const m = this.o.metrics;
      if (m) {
        m.syncDuration.observe((performance.now() - start) / 1000);
        m.lastSyncTimestamp.set(doneAt / 1000);
        m.rulesTotal.set({ table: 'nat' }, next.nat.reduce((n, c) => n + c.rules.length, 0));
        m.rulesTotal.set({ table: 'filter' }, next.filter.reduce((n, c) => n + c.rules.length, 0));
        for (const t of pendingTriggers) m.programmingLatency.observe(Math.max(0, doneAt - t) / 1000);
      }
      const written = tx ? tx.written.nat.length + tx.written.filter.length : 0;
      const deleted = tx ? tx.deleted.nat.length + tx.deleted.filter.length : 0;
      this.o.logger.debug({ full, written, deleted, ms: Math.round(performance.now() - start) }, 'synced proxy rules');
      return { full, written, deleted, skipped: !tx };
    } catch (err) {
      // A failed transaction applied nothing; the next sync must be full and read the kernel.
      this.needFull = true;
      this.kernelKnown = false;
      this.dirtySince ??= startedAt;
      this.triggerTimes.unshift(...pendingTriggers);
      this.lastError = (err as Error).message;
      this.o.metrics?.restoreFailures.inc();
      this.o.logger.error({ err }, 'sync proxy rules failed');
      throw err;
    }
  }

  /**
   * What a full sync needs from the kernel: the chains present (to delete stale ones), the rule
   * counts (for the `-S` choice) and the jumps missing from built-in chains. The first full sync
   * and any after a failure read whole tables (iptables-save; leftovers of an earlier run are
   * found this way); periodic resyncs trust the last applied set and read only the built-in
   * chains holding our jumps, so a `iptables -t nat -F` is still repaired without listing
   * hundreds of thousands of rules.
   */
  private async kernelState(next: RuleSet): Promise<[{ nat: Set<string>; filter: Set<string>; natRules: number; filterRules: number }, JumpRule[]]> {
    const saved = new Map<string, SavedTable>();
    const last = this.kernelKnown ? this.last : undefined;
    for (const t of ['nat', 'filter'] as const) {
      const builtins = last ? [...new Set(next.jumps.filter((j) => j.table === t).map((j) => j.chain))] : undefined;
      const parsed = parseSave(await this.o.iptables.save(t, builtins)).get(t);
      if (parsed) saved.set(t, parsed);
    }
    const count = (cs: Iterable<string[]>) => [...cs].reduce((n, r) => n + r.length, 0);
    const existing = last
      ? {
          nat: new Set(last.nat.map((c) => c.name)),
          filter: new Set(last.filter.map((c) => c.name)),
          natRules: count(last.nat.map((c) => c.rules)),
          filterRules: count(last.filter.map((c) => c.rules)),
        }
      : {
          nat: saved.get('nat')?.chains ?? new Set<string>(),
          filter: saved.get('filter')?.chains ?? new Set<string>(),
          natRules: count(saved.get('nat')?.rules.values() ?? []),
          filterRules: count(saved.get('filter')?.rules.values() ?? []),
        };
    return [existing, missingJumps(saved, next.jumps)];
  }

  /** Healthy when the last sync succeeded and no change has waited longer than syncPeriod + minSyncPeriod. */
  health(): ProxyHealth {
    const now = this.o.clock.now();
    const limit = this.o.syncPeriodMs + this.o.minSyncPeriodMs;
    const stale = this.dirtySince !== undefined && now - this.dirtySince > limit;
    const neverSynced = this.lastSuccess === undefined;
    return {
      healthy: !this.lastError && !stale && !neverSynced,
      lastSuccessfulSync: this.lastSuccess,
      lastFullSync: Number.isFinite(this.lastFullAt) ? this.lastFullAt : undefined,
      lastError: this.lastError,
      pendingSince: this.dirtySince,
    };
  }
}

/** Removes every rule and chain the proxy writes (`kubets proxy --cleanup`). */
export async function cleanupRules(iptables: Iptables): Promise<void> {
  const saved = new Map<string, SavedTable>();
  for (const t of ['nat', 'filter'] as const) {
    const parsed = parseSave(await iptables.save(t)).get(t);
    if (parsed) saved.set(t, parsed);
  }
  await iptables.restore(cleanupTransaction(saved, jumpRules(), { nat: FIXED_NAT_CHAINS, filter: FIXED_FILTER_CHAINS }));
}
