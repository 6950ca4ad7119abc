// LimitRanger admission: containers get default requests/limits from the namespace's
// LimitRanges, then min/max/maxLimitRequestRatio are enforced per Container and per Pod, with
// upstream's messages (403 Forbidden, several violations joined as "[a, b]").
import type { Container, LimitRange, LimitRangeItem, Pod, ResourceList } from '../../api/types/index.js';
import { compareQuantities, parseQuantity, quantityToString } from '../../api/quantity.js';
import { podQOSClass } from '../../api/defaults/qos.js';
import { podLimits, podRequests } from '../../scheduler/framework/resources.js';
import { errors } from '../errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from './interface.js';

/** Lists the LimitRanges of a namespace (cache). */
export type LimitRangeLister = (namespace: string) => Promise<LimitRange[]>;

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

/** The item as upstream defaulting completes it: default ← max, defaultRequest ← default ← min. */
export function effectiveDefaults(item: LimitRangeItem): { limits: ResourceList; requests: ResourceList } {
  const limits: ResourceList = { ...(item.default ?? {}) };
  const requests: ResourceList = { ...(item.defaultRequest ?? {}) };
  if (item.type !== 'Container') return { limits, requests };
  for (const [k, v] of Object.entries(item.max ?? {})) limits[k] ??= v;
  for (const [k, v] of Object.entries(limits)) requests[k] ??= v;
  for (const [k, v] of Object.entries(item.min ?? {})) requests[k] ??= v;
  return { limits, requests };
}

/** Fills missing container requests/limits from every Container item; returns what was set, for the annotation. */
export function applyDefaults(pod: Pod, items: LimitRangeItem[]): string[] {
  const notes: string[] = [];
  const inits = new Set(pod.spec.initContainers ?? []);
  const all: Container[] = [...inits, ...pod.spec.containers];
  for (const item of items) {
    if (item.type !== 'Container') continue;
    const d = effectiveDefaults(item);
    for (const c of all) {
      const res = (c.resources ??= {});
      const setReq: string[] = [];
      const setLim: string[] = [];
      for (const [k, v] of Object.entries(d.limits)) {
        if (res.limits?.[k] === undefined) {
          (res.limits ??= {})[k] = v;
          setLim.push(k);
        }
      }
      for (const [k, v] of Object.entries(d.requests)) {
        if (res.requests?.[k] === undefined) {
          (res.requests ??= {})[k] = v;
          setReq.push(k);
        }
      }
      const what = inits.has(c) ? 'init container' : 'container';
      if (setReq.length) notes.push(`${setReq.join(', ')} request for ${what} ${c.name}`);
      if (setLim.length) notes.push(`${setLim.join(', ')} limit for ${what} ${c.name}`);
    }
  }
  return notes;
}

const q = (v: string) => quantityToString(v);

/** Checks one request/limit pair against one item's min/max/ratio for `kind` (Container or Pod). */
function checkOne(kind: string, item: LimitRangeItem, requests: ResourceList, limits: ResourceList, out: string[]): void {
  for (const [r, min] of Object.entries(item.min ?? {})) {
    const req = requests[r];
    if (req === undefined) out.push(`minimum ${r} usage per ${kind} is ${q(min)}.  No request is specified`);
    else if (compareQuantities(req, min) < 0) out.push(`minimum ${r} usage per ${kind} is ${q(min)}, but request is ${q(req)}`);
  }
  for (const [r, max] of Object.entries(item.max ?? {})) {
    const lim = limits[r];
    if (lim === undefined) out.push(`maximum ${r} usage per ${kind} is ${q(max)}.  No limit is specified`);
    else if (compareQuantities(lim, max) > 0) out.push(`maximum ${r} usage per ${kind} is ${q(max)}, but limit is ${q(lim)}`);
  }
  for (const [r, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const req = requests[r];
    const lim = limits[r];
    if (lim === undefined) out.push(`${r} max limit to request ratio per ${kind} is ${q(ratio)}, but no limit is specified`);
    else if (req === undefined || parseQuantity(req) === 0) out.push(`${r} max limit to request ratio per ${kind} is ${q(ratio)}, but no request is specified or request is 0`);
    else {
      const actual = parseQuantity(lim) / parseQuantity(req);
      if (actual > parseQuantity(ratio)) out.push(`${r} max limit to request ratio per ${kind} is ${q(ratio)}, but provided ratio is ${actual.toFixed(6)}`);
    }
  }
}

/** A Resource total as a ResourceList of only the names some container set. */
function toList(pod: Pod, kind: 'requests' | 'limits'): ResourceList {
  const total = kind === 'requests' ? podRequests(pod) : podLimits(pod);
  const names = new Set<string>();
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) for (const k of Object.keys(c.resources?.[kind] ?? {})) names.add(k);
  const out: ResourceList = {};
  for (const n of names) {
    // every container must set it for a Pod total to exist, as upstream
    const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].every((c) => c.resources?.[kind]?.[n] !== undefined);
    if (!all) continue;
    out[n] = n === 'cpu' ? `${total.get(n)}m` : String(total.get(n));
  }
  return out;
}

/** Every min/max/ratio violation of the pod, in item order. */
export function checkPod(pod: Pod, items: LimitRangeItem[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) checkOne('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}, out);
    } else if (item.type === 'Pod') {
      checkOne('Pod', item, toList(pod, 'requests'), toList(pod, 'limits'), out);
    }
  }
  return out;
}

export class LimitRanger implements AdmissionPlugin {
  readonly name = 'LimitRanger';
  constructor(private readonly list: LimitRangeLister) {}

  /** Pods at create only: containers cannot be added or changed later, as upstream reasons. */
  private applies(a: AdmissionAttributes): boolean {
    return a.resource.resource === 'pods' && a.resource.group === '' && !a.subresource && a.operation === 'CREATE';
  }

  async admit(a: AdmissionAttributes): Promise<void> {
    if (!this.applies(a)) return;
    const items = (await this.list(a.namespace!)).flatMap((lr) => lr.spec?.limits ?? []);
    if (!items.length) return;
    const pod = a.object as Pod;
    const notes = applyDefaults(pod, items);
    if (notes.length) {
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
      if (pod.status) pod.status.qosClass = podQOSClass(pod);
    }
  }

  async validate(a: AdmissionAttributes): Promise<void> {
    if (!this.applies(a)) return;
    const items = (await this.list(a.namespace!)).flatMap((lr) => lr.spec?.limits ?? []);
    if (!items.length) return;
    const problems = checkPod(a.object as Pod, items);
    if (problems.length) throw errors.forbidden(a.resource, a.name, problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`);
  }
}
