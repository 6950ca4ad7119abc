// DefaultTolerationSeconds admission: pods tolerate `not-ready` and `unreachable` NoExecute
// taints for 300 s unless they say otherwise, as upstream.
import type { Pod, Toleration } from '../../api/types/index.js';
import type { AdmissionAttributes, AdmissionPlugin } from './interface.js';

const KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export class DefaultTolerationSeconds implements AdmissionPlugin {
  readonly name = 'DefaultTolerationSeconds';
  constructor(private readonly seconds = 300) {}

  admit(a: AdmissionAttributes): void {
    if (a.operation !== 'CREATE' || a.resource.resource !== 'pods' || a.resource.group !== '' || a.subresource) return;
    const pod = a.object as Pod;
    const tols = pod.spec.tolerations ?? [];
    const covers = (key: string) => tols.some((t) => (t.effect === 'NoExecute' || !t.effect) && ((t.operator === 'Exists' && !t.key) || t.key === key));
    for (const key of KEYS) {
      if (covers(key)) continue;
      const t: Toleration = { key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: this.seconds };
      tols.push(t);
    }
    pod.spec.tolerations = tols;
  }
}
