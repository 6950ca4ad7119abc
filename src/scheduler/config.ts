// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1 subset) → resolved profiles.
import { parse as parseYaml } from 'yaml';
import type { PluginArgs } from './framework/interface.js';
import { defaultProfile, EXTENSION_POINTS, type ExtensionPoint, type PluginRef, type Profile } from './framework/profile.js';

interface PluginSet { enabled?: PluginRef[]; disabled?: { name: string }[] }
interface ProfileConfig {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;
  pluginConfig?: { name: string; args?: PluginArgs }[];
}

/** The parts of KubeSchedulerConfiguration this scheduler reads. */
export interface SchedulerConfig {
  profiles: Profile[];
  percentageOfNodesToScore?: number;
  leaderElection: { leaderElect?: boolean; leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number; namespace: string; name: string };
}

function durMs(v: unknown, def: number): number {
  if (typeof v !== 'string') return def;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
  if (!m) throw new Error(`invalid duration ${v}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
}

/**
 * Contract: merges one profile's plugin sets into the defaults as upstream does:
 * 1. `disabled` removes names (`*` clears the point); `multiPoint.disabled` applies to every point;
 * 2. `enabled` replaces a default of the same name in place (new weight) or appends;
 * 3. `multiPoint.enabled` plugins join every point they implement (resolved by the runtime).
 */
export function resolveProfile(pc: ProfileConfig, globalPct?: number): Profile {
  const p = defaultProfile(pc.schedulerName);
  const mp = pc.plugins?.multiPoint;
  for (const point of EXTENSION_POINTS) {
    let list = p.plugins[point];
    const set = pc.plugins?.[point];
    const disabled = new Set([...(mp?.disabled ?? []), ...(set?.disabled ?? [])].map((d) => d.name));
    // 1.
    list = disabled.has('*') ? [] : list.filter((r) => !disabled.has(r.name));
    // 2.
    for (const e of set?.enabled ?? []) {
      const i = list.findIndex((r) => r.name === e.name);
      if (i >= 0) list[i] = { name: e.name, weight: e.weight ?? list[i]!.weight };
      else list.push({ name: e.name, ...(e.weight !== undefined ? { weight: e.weight } : {}) });
    }
    p.plugins[point] = list;
  }
  // 3.
  p.multiPoint = mp?.enabled ?? [];
  for (const c of pc.pluginConfig ?? []) p.pluginConfig[c.name] = c.args ?? {};
  const pct = pc.percentageOfNodesToScore ?? globalPct;
  if (pct !== undefined) p.percentageOfNodesToScore = pct;
  return p;
}

/** Contract: parses the YAML text; no profiles → the default profile; duplicate scheduler names throw. */
export function parseSchedulerConfig(text: string): SchedulerConfig {
  const doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  if (doc.kind && doc.kind !== 'KubeSchedulerConfiguration') throw new Error(`unexpected kind ${String(doc.kind)}`);
  const pct = doc.percentageOfNodesToScore as number | undefined;
  const profiles = ((doc.profiles as ProfileConfig[] | undefined) ?? [{}]).map((pc) => resolveProfile(pc, pct));
  const names = new Set<string>();
  for (const p of profiles) {
    if (names.has(p.schedulerName)) throw new Error(`duplicate profile ${p.schedulerName}`);
    names.add(p.schedulerName);
  }
  const le = (doc.leaderElection ?? {}) as Record<string, unknown>;
  return {
    profiles,
    ...(pct !== undefined ? { percentageOfNodesToScore: pct } : {}),
    leaderElection: {
      ...(typeof le.leaderElect === 'boolean' ? { leaderElect: le.leaderElect } : {}),
      leaseDurationMs: durMs(le.leaseDuration, 15_000),
      renewDeadlineMs: durMs(le.renewDeadline, 10_000),
      retryPeriodMs: durMs(le.retryPeriod, 2_000),
      namespace: (le.resourceNamespace as string | undefined) ?? 'kube-system',
      name: (le.resourceName as string | undefined) ?? 'kube-scheduler',
    },
  };
}

/** The configuration without a file. */
export function defaultSchedulerConfig(): SchedulerConfig {
  return parseSchedulerConfig('kind: KubeSchedulerConfiguration\n');
}
