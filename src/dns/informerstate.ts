// ClusterState over informers: rebuilt lazily (on the next query) after any change.
import type { Pod, Service } from '../api/types/core.js';
import type { EndpointSlice } from '../api/types/apps.js';
import type { Informer } from '../client/cache/interfaces.js';
import { buildClusterState, type ClusterState } from './state.js';

/** Provides the current ClusterState. */
export interface ClusterStateSource {
  current(): ClusterState;
}

/** Watches the informers and rebuilds the index when asked after a change. */
export class InformerClusterState implements ClusterStateSource {
  private cached?: ClusterState;

  constructor(private readonly inf: { services: Informer<Service>; endpointSlices: Informer<EndpointSlice>; pods?: Informer<Pod> }) {
    const dirty = () => {
      this.cached = undefined;
    };
    const h = { onAdd: dirty, onUpdate: dirty, onDelete: dirty };
    inf.services.addEventHandler(h);
    inf.endpointSlices.addEventHandler(h);
    inf.pods?.addEventHandler(h);
  }

  current(): ClusterState {
    this.cached ??= buildClusterState(this.inf.services.store.list(), this.inf.endpointSlices.store.list(), this.inf.pods?.store.list() ?? []);
    return this.cached;
  }
}
