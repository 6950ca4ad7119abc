// The in-tree plugin registry.
import type { Handle, PluginArgs } from '../framework/interface.js';
import { Registry } from '../framework/registry.js';
import { BALANCED_ALLOCATION, newBalancedAllocation } from './balanced-allocation.js';
import { DEFAULT_BINDER, newDefaultBinder } from './default-binder.js';
import { DEFAULT_PREEMPTION, newDefaultPreemption } from './default-preemption.js';
import { IMAGE_LOCALITY, newImageLocality } from './image-locality.js';
import { INTER_POD_AFFINITY, newInterPodAffinity } from './inter-pod-affinity.js';
import { NODE_AFFINITY, newNodeAffinity } from './node-affinity.js';
import { NODE_NAME, newNodeName } from './node-name.js';
import { NODE_PORTS, newNodePorts } from './node-ports.js';
import { NODE_RESOURCES_FIT, newNodeResourcesFit } from './node-resources-fit.js';
import { NODE_UNSCHEDULABLE, newNodeUnschedulable } from './node-unschedulable.js';
import { POD_TOPOLOGY_SPREAD, newPodTopologySpread } from './pod-topology-spread.js';
import { PRIORITY_SORT, newPrioritySort } from './priority-sort.js';
import { TAINT_TOLERATION, newTaintToleration } from './taint-toleration.js';

/** Contract: a fresh registry holding every in-tree plugin. */
export function inTreeRegistry(): Registry {
  return new Registry()
    .register(PRIORITY_SORT, () => newPrioritySort())
    .register(NODE_NAME, () => newNodeName())
    .register(NODE_UNSCHEDULABLE, () => newNodeUnschedulable())
    .register(TAINT_TOLERATION, () => newTaintToleration())
    .register(NODE_AFFINITY, () => newNodeAffinity())
    .register(NODE_PORTS, () => newNodePorts())
    .register(NODE_RESOURCES_FIT, (a: PluginArgs) => newNodeResourcesFit(a))
    .register(BALANCED_ALLOCATION, (a: PluginArgs) => newBalancedAllocation(a))
    .register(IMAGE_LOCALITY, (_a, h: Handle) => newImageLocality(h))
    .register(INTER_POD_AFFINITY, (a, h) => newInterPodAffinity(a, h))
    .register(POD_TOPOLOGY_SPREAD, (a, h) => newPodTopologySpread(a, h))
    .register(DEFAULT_PREEMPTION, (a, h) => newDefaultPreemption(a, h))
    .register(DEFAULT_BINDER, (_a, h) => newDefaultBinder(h));
}
