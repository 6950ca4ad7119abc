// Resource accounting for scheduling: pod requests (init containers, sidecars, overhead) and sums.
import type { Container, Pod, ResourceList } from '../../api/types/core.js';
import { intValue, milliValue } from '../../api/quantity.js';

/** Upstream defaults used for scoring a container that requests no cpu/memory. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A bag of resources: cpu in milli-cores, everything else in integer base units. */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  /** Extended and hugepage resources by name. */
  scalar: Map<string, number> | undefined;

  /** Contract: reads a ResourceList ("cpu", "memory", "ephemeral-storage", "pods", others scalar). */
  static from(list: ResourceList | undefined): Resource {
    const r = new Resource();
    if (list) for (const [k, v] of Object.entries(list)) r.set(k, k === 'cpu' ? milliValue(String(v)) : intValue(String(v)));
    return r;
  }

  get(name: string): number {
    switch (name) {
      case 'cpu': return this.milliCPU;
      case 'memory': return this.memory;
      case 'ephemeral-storage': return this.ephemeralStorage;
      case 'pods': return this.allowedPodNumber;
      default: return this.scalar?.get(name) ?? 0;
    }
  }

  set(name: string, v: number): void {
    switch (name) {
      case 'cpu': this.milliCPU = v; break;
      case 'memory': this.memory = v; break;
      case 'ephemeral-storage': this.ephemeralStorage = v; break;
      case 'pods': this.allowedPodNumber = v; break;
      default: (this.scalar ??= new Map()).set(name, v);
    }
  }

  /** Contract: this += o (sign = -1 subtracts). */
  add(o: Resource, sign = 1): void {
    this.milliCPU += sign * o.milliCPU;
    this.memory += sign * o.memory;
    this.ephemeralStorage += sign * o.ephemeralStorage;
    this.allowedPodNumber += sign * o.allowedPodNumber;
    if (o.scalar) for (const [k, v] of o.scalar) this.set(k, this.get(k) + sign * v);
  }

  /** Contract: this = max(this, o) per resource. */
  maxWith(o: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, o.milliCPU);
    this.memory = Math.max(this.memory, o.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, o.ephemeralStorage);
    this.allowedPodNumber = Math.max(this.allowedPodNumber, o.allowedPodNumber);
    if (o.scalar) for (const [k, v] of o.scalar) this.set(k, Math.max(this.get(k), v));
  }

  clone(): Resource {
    const r = new Resource();
    r.add(this);
    return r;
  }

  /** Names of every resource with a non-zero value (scalar ones included). */
  names(): string[] {
    const out: string[] = [];
    if (this.milliCPU) out.push('cpu');
    if (this.memory) out.push('memory');
    if (this.ephemeralStorage) out.push('ephemeral-storage');
    if (this.scalar) for (const [k, v] of this.scalar) if (v) out.push(k);
    return out;
  }
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = Resource.from(c.resources?.requests);
  if (nonZero) {
    const req = c.resources?.requests ?? {};
    if (req.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * Contract: the pod's effective request as upstream computes it:
 * 1. sum of regular containers plus every restartable (sidecar) init container;
 * 2. each ordinary init container needs its own request plus the sidecars started before it;
 *    the pod needs the max of that over init containers and the sum from (1);
 * 3. plus `spec.overhead`.
 * With `nonZero`, containers without a cpu/memory request count the scoring defaults.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  return podTotal(pod, (c) => containerRequests(c, nonZero));
}

/** Contract: the pod's effective limits, summed the same way as `podRequests` (quota, LimitRanger). */
export function podLimits(pod: Pod): Resource {
  return podTotal(pod, (c) => Resource.from(c.resources?.limits));
}

function podTotal(pod: Pod, of: (c: Container) => Resource): Resource {
  const reqs = new Resource();
  // 1. regular containers
  for (const c of pod.spec.containers ?? []) reqs.add(of(c));
  // 2. init containers and sidecars
  const sidecars = new Resource();
  const initMax = new Resource();
  for (const c of pod.spec.initContainers ?? []) {
    const r = of(c);
    if (c.restartPolicy === 'Always') {
      reqs.add(r);
      sidecars.add(r);
      initMax.maxWith(sidecars);
    } else {
      const tmp = r.clone();
      tmp.add(sidecars);
      initMax.maxWith(tmp);
    }
  }
  reqs.maxWith(initMax);
  // 3. overhead
  if (pod.spec.overhead) reqs.add(Resource.from(pod.spec.overhead));
  return reqs;
}
