// ResourceQuota arithmetic (pure): what one object uses of each quota resource name, sums over
// objects, and the check of used + requested against hard with upstream's messages.
import type { KubeObject, Pod, ResourceList, Service } from '../../../api/types/index.js';
import { addQuantities, compareQuantities, quantityToString } from '../../../api/quantity.js';
import { podLimits, podRequests } from '../../../scheduler/framework/resources.js';

/** Names quota counts by object count for core kinds (`services`, `configmaps`, ...). */
const CORE_COUNTS: Record<string, string> = {
  pods: 'pods', services: 'services', configmaps: 'configmaps', secrets: 'secrets', resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers', persistentvolumeclaims: 'persistentvolumeclaims',
};
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/** `count/<resource>` for core, `count/<resource>.<group>` otherwise. */
export function countName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** A pod in a terminal phase no longer uses quota. */
export function podCounts(pod: Pod): boolean {
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** Every quota resource name this object uses, with its amount. */
export function usageOf(group: string, resource: string, obj: KubeObject): ResourceList {
  const out: ResourceList = { [countName(group, resource)]: '1' };
  if (!group && CORE_COUNTS[resource]) out[CORE_COUNTS[resource]] = '1';
  if (!group && resource === 'pods') {
    const pod = obj as Pod;
    if (!podCounts(pod)) return {};
    const req = podRequests(pod);
    const lim = podLimits(pod);
    for (const r of COMPUTE) {
      const rv = r === 'cpu' ? `${req.milliCPU}m` : String(req.get(r));
      const lv = r === 'cpu' ? `${lim.milliCPU}m` : String(lim.get(r));
      out[`requests.${r}`] = rv;
      if (r !== 'ephemeral-storage') out[r] = rv;
      out[`limits.${r}`] = lv;
    }
  }
  if (!group && resource === 'services') {
    const s = obj as Service;
    const ports = (s.spec?.ports ?? []).length;
    if (s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer') out['services.nodeports'] = String(ports);
    if (s.spec?.type === 'LoadBalancer') out['services.loadbalancers'] = '1';
  }
  return out;
}

/** Per-resource-name sum; only names in `hard` are kept. */
export function sumUsage(hard: ResourceList, usages: ResourceList[]): ResourceList {
  const out: ResourceList = {};
  for (const k of Object.keys(hard)) out[k] = '0';
  for (const u of usages) for (const [k, v] of Object.entries(u)) if (k in out) out[k] = quantityToString(addQuantities(out[k]!, v));
  return out;
}

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
  for (const k of Object.keys(hard)) if (requested[k] !== undefined) out[k] = quantityToString(addQuantities(used[k] ?? '0', requested[k]!));
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
    else if (Object.values(CORE_COUNTS).includes(name)) add('', name);
  }
  return [...out.values()];
}
