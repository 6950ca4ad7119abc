// The scheduling framework's contracts: Status, CycleState, the snapshot plugins read, and the
// extension-point plugin interfaces (modelled on kube-scheduler's framework/interface.go).
import type { PodDisruptionBudget } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import type { Clientset } from '../../client/interfaces.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** Result codes of a plugin call. */
export enum Code {
  Success = 0,
  Error = 1,
  Unschedulable = 2,
  UnschedulableAndUnresolvable = 3,
  Wait = 4,
  Skip = 5,
}

/** Contract: immutable outcome of a plugin call; `reasons` are the user-facing failure reasons. */
export class Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  /** Name of the plugin that produced a failure (set by the runtime). */
  plugin: string | undefined;
  constructor(code: Code, reasons: readonly string[] = [], plugin?: string) {
    this.code = code;
    this.reasons = reasons;
    this.plugin = plugin;
  }
  static readonly OK = new Status(Code.Success);
  static readonly SKIP = new Status(Code.Skip);
  static unschedulable(...reasons: string[]): Status { return new Status(Code.Unschedulable, reasons); }
  static unresolvable(...reasons: string[]): Status { return new Status(Code.UnschedulableAndUnresolvable, reasons); }
  static error(message: string): Status { return new Status(Code.Error, [message]); }
  isSuccess(): boolean { return this.code === Code.Success; }
  isSkip(): boolean { return this.code === Code.Skip; }
  /** Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean { return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable; }
  message(): string { return this.reasons.join(', '); }
  withPlugin(p: string): Status { return new Status(this.code, this.reasons, p); }
}

/** A value kept in CycleState; `clone` lets preemption fork the state for what-if runs. */
export interface StateData { clone(): StateData }

/** Contract: per-cycle scratch space keyed by plugin-chosen names; `clone` deep-copies the values. */
export class CycleState {
  private data = new Map<string, StateData>();
  /** Nodes this cycle skips per plugin (set when PreFilter returns Skip). */
  skipFilter = new Set<string>();
  skipScore = new Set<string>();
  read<T extends StateData>(key: string): T | undefined { return this.data.get(key) as T | undefined; }
  write(key: string, v: StateData): void { this.data.set(key, v); }
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    c.skipFilter = new Set(this.skipFilter);
    c.skipScore = new Set(this.skipScore);
    return c;
  }
}

/** Contract: the cluster view of one scheduling cycle; never changes during the cycle. */
export interface Snapshot {
  list(): NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  havePodsWithAffinity(): NodeInfo[];
  havePodsWithRequiredAntiAffinity(): NodeInfo[];
  /** On how many nodes an image (normalised name) is present. */
  imageNumNodes(image: string): number;
  numNodes(): number;
  /** Labels of a namespace (affinity terms' `namespaceSelector`); undefined when unknown. */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** Changes whenever any namespace's labels change (memoised matches must be dropped then). */
  namespaceGeneration(): number;
  /** Bumped by every refresh that changed some node. */
  version(): number;
  /**
   * Names of nodes whose NodeInfo was replaced after `version`, or undefined when that is unknown
   * (too old, or nodes were added/removed): callers then recompute from `list()`.
   */
  changedSince(version: number): string[] | undefined;
}

/** What plugins may use besides the snapshot: the API, time, logs, and the framework itself. */
export interface Handle {
  snapshot(): Snapshot;
  clientset: Clientset | undefined;
  clock: Clock;
  logger: Logger;
  /** Runs every Filter plugin against one node (preemption's what-if checks). */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
  /** Runs PreFilter extensions AddPod/RemovePod so cycle state tracks a what-if node. */
  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status;
  /** Pods nominated (by preemption) to run on a node, not yet bound. */
  nominatedPodsForNode(nodeName: string): PodInfo[];
  /** PodDisruptionBudgets known to the scheduler (preemption avoids violating them). */
  podDisruptionBudgets(): PodDisruptionBudget[];
  /** A pod held at Permit (by UID), for plugins that allow or reject it later. */
  getWaitingPod(uid: string): WaitingPodHandle | undefined;
  iterateOverWaitingPods(f: (wp: WaitingPodHandle) => void): void;
  /** Rejects a waiting pod; false when none waits with that UID. */
  rejectWaitingPod(uid: string): boolean;
}

/** What plugins may do with a pod waiting at Permit. */
export interface WaitingPodHandle {
  readonly pod: Pod;
  pendingPlugins(): string[];
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

export interface Plugin { readonly name: string }

/** A queued pod as the queue-sort plugin sees it. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was first added to the queue (ms). */
  initialAttemptTimestamp: number;
  /** When it was last (re)added to the active queue (ms). */
  timestamp: number;
  attempts: number;
  /** Plugins that rejected it in the last cycle. */
  unschedulablePlugins: Set<string>;
}

export interface QueueSortPlugin extends Plugin { less(a: QueuedPodInfo, b: QueuedPodInfo): boolean }

/** Narrows the node set: `nodeNames` undefined means all nodes. */
export interface PreFilterResult { nodeNames?: Set<string> }

export interface PreFilterExtensions {
  addPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface PreFilterPlugin extends Plugin {
  /** Returning Skip disables this plugin's Filter for the cycle. */
  preFilter(state: CycleState, pod: Pod, podInfo: PodInfo): { status: Status; result?: PreFilterResult };
  preFilterExtensions?: PreFilterExtensions;
}

/** Contract: synchronous and pure over the snapshot node. */
export interface FilterPlugin extends Plugin { filter(state: CycleState, pod: Pod, podInfo: PodInfo, nodeInfo: NodeInfo): Status }

export interface PostFilterResult { nominatedNodeName?: string }
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, filteredNodeStatus: Map<string, Status>): Promise<{ status: Status; result?: PostFilterResult }>;
}

export interface PreScorePlugin extends Plugin { preScore(state: CycleState, pod: Pod, podInfo: PodInfo, nodes: NodeInfo[]): Status }

export interface NodeScore { name: string; score: number }
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, podInfo: PodInfo, nodeInfo: NodeInfo): number;
  /** Rescales raw scores into [0, MAX_NODE_SCORE] in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin { permit(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs?: number } }
export interface PreBindPlugin extends Plugin { preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> }
/** Returning Skip passes the pod to the next Bind plugin. */
export interface BindPlugin extends Plugin { bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> }

/** Plugin configuration from `pluginConfig[].args` (KubeSchedulerConfiguration). */
export type PluginArgs = Record<string, unknown>;

/** Anything a registry factory can return: a plugin implementing any set of extension points. */
export type AnyPlugin = Plugin & Partial<
  QueueSortPlugin & PreFilterPlugin & FilterPlugin & PostFilterPlugin & PreScorePlugin & ScorePlugin & ReservePlugin & PermitPlugin & PreBindPlugin & BindPlugin
>;
