// Served versions backed by another resource's storage (upstream: one storage, several external
// versions). events.k8s.io/v1 Events are core/v1 Events seen through a field conversion.
import type { KubeObject } from '../../api/types/index.js';
import { SelectorParseError } from '../../api/fields.js';
import { validateObject } from '../../api/validation/index.js';
import { errors, qualified, StatusError, type QualifiedResource } from '../errors.js';
import { coreEventToV1, UnsupportedFieldLabel, v1EventFieldSelectorToCore, v1EventToCore } from './event-conversion.js';
import { VIEWED_RESOURCES, type ResourceInfo } from './resources.js';

/**
 * Contract: how one served version maps onto the stored shape. `toStorage(fromStorage(x))`
 * keeps every field both shapes carry. `fieldSelector` rewrites the served version's field labels
 * into the stored resource's (400 StatusError on unsupported labels or syntax). `validateCreate`
 * applies the served version's own create rules (422 StatusError). `retarget` rewrites a Status
 * the stored resource's store raised so it names the served resource.
 */
export interface StorageView {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
  fieldSelector(selector: string): string;
  validateCreate(obj: KubeObject): void;
  retarget(err: unknown): unknown;
}

/** A served resource stored as another one. */
export interface ViewedResource {
  info: ResourceInfo;
  storedAs: QualifiedResource;
  view: StorageView;
}

/** Rewrites NotFound/AlreadyExists/Conflict Statuses about `from` so they name `to`. */
function retargeter(from: QualifiedResource, to: QualifiedResource): (err: unknown) => unknown {
  return (err) => {
    if (!(err instanceof StatusError)) return err;
    const d = err.status.details;
    if (!d || d.kind !== from.resource || (d.group ?? '') !== from.group || ![404, 409].includes(err.code)) return err;
    const message = err.status.message?.replace(`${qualified(from)} "`, `${qualified(to)} "`);
    return new StatusError({ ...err.status, message, details: { ...d, group: to.group || undefined, kind: to.resource } });
  };
}

const EVENTS_V1: QualifiedResource = { group: 'events.k8s.io', resource: 'events' };
const CORE_EVENTS: QualifiedResource = { group: '', resource: 'events' };

/** events.k8s.io/v1 Events over core/v1 Event storage. */
export const eventsV1View: StorageView = {
  toStorage: v1EventToCore,
  fromStorage: coreEventToV1,
  fieldSelector(selector) {
    try {
      return v1EventFieldSelectorToCore(selector);
    } catch (err) {
      if (err instanceof UnsupportedFieldLabel || err instanceof SelectorParseError) throw errors.badRequest(err.message);
      throw err;
    }
  },
  validateCreate(obj) {
    const errs = validateObject('events', { ...obj, apiVersion: 'events.k8s.io/v1' });
    if (!errs.length) return;
    const name = obj.metadata?.name ?? obj.metadata?.generateName ?? '';
    throw errors.invalid('Event', EVENTS_V1.group, name, errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })));
  },
  retarget: retargeter(CORE_EVENTS, EVENTS_V1),
};

const VIEWS: Record<string, { storedAs: QualifiedResource; view: StorageView }> = {
  'events.k8s.io/events': { storedAs: CORE_EVENTS, view: eventsV1View },
};

/** Every viewed resource with its view. */
export function viewedResources(): ViewedResource[] {
  return VIEWED_RESOURCES.map((info) => ({ info, ...VIEWS[`${info.group}/${info.resource}`]! }));
}
