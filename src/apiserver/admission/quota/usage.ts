// ResourceQuota admission arithmetic (pure): the check of used + requested against hard (usage
// itself comes from api/quota-usage.ts, shared with the quota controller), which resources a
// recount reads, and upstream's messages.
import type { Pod, ResourceList } from '../../../api/types/index.js';
import { addQuantities, compareQuantities, milliValue, quantityToString } from '../../../api/quantity.js';
import { LEGACY_COUNTS } from '../../../api/quota-usage.js';

/** Containers that leave a compute resource the quota limits unset (upstream "must specify"). */
export function missingCompute(hard: ResourceList, pod: Pod): string[] {
  const cs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const out: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const m = /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.exec(name) ?? (/^(cpu|memory)$/.test(name) ? [name, 'requests', name] : null);
    if (!m) continue;
    const kind = m[1] as 'requests' | 'limits';
    const res = m[2]!;
    const lacking = cs.filter((c) => c.resources?.[kind]?.[res] === undefined).map((c) => c.name);
    if (lacking.length) out.push(`${name} for: ${lacking.join(',')}`);
  }
  return out;
}

/** The names whose used + requested would pass hard (empty when the request fits). */
export function exceeded(hard: ResourceList, used: ResourceList, requested: ResourceList): string[] {
  const out: string[] = [];
  for (const [k, h] of Object.entries(hard)) {
    const r = requested[k];
    if (r === undefined || compareQuantities(r, '0') === 0) continue;
    if (compareQuantities(addQuantities(used[k] ?? '0', r), h) > 0) out.push(k);
  }
  return out.sort();
}

const fmt = (names: string[], l: ResourceList) => names.map((n) => `${n}=${quantityToString(l[n] ?? '0')}`).join(',');

/** `exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`. */
export function exceededMessage(quota: string, names: string[], hard: ResourceList, used: ResourceList, requested: ResourceList): string {
  return `exceeded quota: ${quota}, requested: ${fmt(names, requested)}, used: ${fmt(names, used)}, limited: ${fmt(names, hard)}`;
}

/** used + requested for the names in hard. */
export function addUsage(hard: ResourceList, used: ResourceList, requested: ResourceList): ResourceList {
  const out: ResourceList = { ...used };
  // As upstream's Quantity.Add, a zero sum takes the format of what is added ('0' + '1Gi' = '1Gi',
  // not '1073741824'), so admission writes the same form as the quota controller's recount.
  for (const k of Object.keys(hard)) {
    if (requested[k] === undefined) continue;
    const base = used[k];
    out[k] = quantityToString(base === undefined || milliValue(base) === 0 ? requested[k]! : addQuantities(base, requested[k]!));
  }
  return out;
}

/** The resources whose objects must be counted to know the usage of every name in `hard`. */
export function quotaSources(hard: ResourceList, resources: { group: string; resource: string; namespaced: boolean }[]): { group: string; resource: string }[] {
  const out = new Map<string, { group: string; resource: string }>();
  const add = (group: string, resource: string) => {
    if (resources.some((r) => r.group === group && r.resource === resource && r.namespaced)) out.set(`${group}/${resource}`, { group, resource });
  };
  for (const name of Object.keys(hard)) {
    const m = /^count\/([^.]+)(?:\.(.+))?$/.exec(name);
    if (m) add(m[2] ?? '', m[1]!);
    else if (/^(requests|limits)\.|^(cpu|memory)$/.test(name)) add('', 'pods');
    else if (name.startsWith('services.')) add('', 'services');
    else if (LEGACY_COUNTS.includes(name)) add('', name);
  }
  return [...out.values()];
}
