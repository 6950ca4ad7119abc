// A scheduling profile: the plugins enabled at each extension point (with score weights), per schedulerName.
import type { PluginArgs } from './interface.js';

export const EXTENSION_POINTS = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface PluginRef { name: string; weight?: number }

/** Contract: fully resolved configuration of one framework instance. */
export interface Profile {
  schedulerName: string;
  plugins: Record<ExtensionPoint, PluginRef[]>;
  /** Plugins enabled through `multiPoint`: added at every point they implement. */
  multiPoint: PluginRef[];
  pluginConfig: Record<string, PluginArgs>;
  /** 0/undefined = adaptive (upstream default). */
  percentageOfNodesToScore?: number;
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** Contract: the upstream default plugin set (v1 KubeSchedulerConfiguration defaults). */
export function defaultProfile(schedulerName = DEFAULT_SCHEDULER_NAME): Profile {
  const l = (...names: string[]): PluginRef[] => names.map((name) => ({ name }));
  return {
    schedulerName,
    plugins: {
      queueSort: l('PrioritySort'),
      preFilter: l('NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'),
      filter: l('NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'),
      postFilter: l('DefaultPreemption'),
      preScore: l('TaintToleration', 'NodeAffinity', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesFit', 'NodeResourcesBalancedAllocation'),
      score: [
        { name: 'TaintToleration', weight: 3 },
        { name: 'NodeAffinity', weight: 2 },
        { name: 'NodeResourcesFit', weight: 1 },
        { name: 'PodTopologySpread', weight: 2 },
        { name: 'InterPodAffinity', weight: 2 },
        { name: 'NodeResourcesBalancedAllocation', weight: 1 },
        { name: 'ImageLocality', weight: 1 },
      ],
      reserve: [],
      permit: [],
      preBind: [],
      bind: l('DefaultBinder'),
    },
    multiPoint: [],
    pluginConfig: {},
  };
}
