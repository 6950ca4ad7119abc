// Priority admission: resolves a pod's `priorityClassName` (or the global default class) into
// `spec.priority` and `spec.preemptionPolicy`; unknown class names are refused.
import type { Pod, PriorityClass } from '../../api/types/index.js';
import { errors } from '../errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from './interface.js';

/** Lists the priority classes (from the watch cache). */
export type PriorityClassLister = () => Promise<PriorityClass[]>;
/** Reads one class from storage (a class created a moment ago may not be cached yet). */
export type PriorityClassGetter = (name: string) => Promise<PriorityClass | undefined>;

export class PriorityAdmission implements AdmissionPlugin {
  readonly name = 'Priority';
  constructor(private readonly list: PriorityClassLister, private readonly get?: PriorityClassGetter) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'CREATE' || a.resource.resource !== 'pods' || a.resource.group !== '' || a.subresource) return;
    const pod = a.object as Pod;
    const classes = await this.list();
    const name = pod.spec.priorityClassName;
    let pc: PriorityClass | undefined;
    if (name) {
      pc = classes.find((c) => c.metadata.name === name) ?? (await this.get?.(name));
      if (!pc) throw errors.forbidden(a.resource, a.name, `no PriorityClass with name ${name} was found`);
    } else {
      pc = classes.filter((c) => c.globalDefault).sort((x, y) => x.value - y.value)[0];
      if (pc) pod.spec.priorityClassName = pc.metadata.name;
    }
    const value = pc?.value ?? 0;
    if (pod.spec.priority !== undefined && pod.spec.priority !== value && name) {
      throw errors.forbidden(a.resource, a.name, 'the integer value of priority must not be provided in pod spec; priority admission controller computed ' + value + ' from the given PriorityClass name');
    }
    pod.spec.priority = value;
    pod.spec.preemptionPolicy = pc?.preemptionPolicy ?? pod.spec.preemptionPolicy ?? 'PreemptLowerPriority';
  }
}
