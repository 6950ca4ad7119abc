// Claiming dependents with their I/O: adopt matching orphans and release owned objects that stopped
// matching (the patches of upstream's ControllerRefManager), returning what the owner now controls.
import type { KubeObject, OwnerReference } from '../../api/types/index.js';
import { keyOf } from '../../client/cache/interfaces.js';
import { isNotFound, type ResourceClient } from '../../client/interfaces.js';
import type { Logger } from '../../util/logger.js';
import { adoptPatch, planClaims, releasePatch } from './controller-ref.js';

/** Options of `claimObjects`. */
export interface ClaimOptions<T extends KubeObject> {
  client: ResourceClient<T>;
  owner: KubeObject;
  ref: OwnerReference;
  candidates: T[];
  matches(o: T): boolean;
  log: Logger;
}

/** Steps: 1. classify (planClaims); 2. patch adoptions and releases in parallel; 3. return owned + adopted. */
export async function claimObjects<T extends KubeObject>(o: ClaimOptions<T>): Promise<T[]> {
  const plan = planClaims(o.owner, o.candidates, o.matches);
  const owned = [...plan.owned];
  await Promise.all([
    ...plan.adopt.map(async (d) => {
      try {
        owned.push(await o.client.patch(d.metadata.namespace, d.metadata.name!, 'merge', adoptPatch(d, o.ref)));
      } catch (e) {
        if (!isNotFound(e)) o.log.warn({ obj: keyOf(d), err: (e as Error).message }, 'adopt failed');
      }
    }),
    ...plan.release.map(async (d) => {
      try {
        await o.client.patch(d.metadata.namespace, d.metadata.name!, 'merge', releasePatch(d, o.owner.metadata.uid!));
      } catch (e) {
        if (!isNotFound(e)) o.log.warn({ obj: keyOf(d), err: (e as Error).message }, 'release failed');
      }
    }),
  ]);
  return owned;
}
