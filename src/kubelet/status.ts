// Pod status from the runtime view (pure), as the kubelet's status manager writes it.
import type { Condition, ContainerState, ContainerStatus as K8sContainerStatus, Pod, PodStatus } from '../api/types/index.js';
import { rfc3339 } from '../util/clock.js';
import { latestContainer, restartCountOf, type RuntimePod } from './runtime-state.js';
import type { ContainerStatus } from './cri/runtime-service.js';

/** Why a container is waiting, as the kubelet knows it (pull errors, back-off). */
export type WaitingReasons = Record<string, { reason: string; message?: string }>;

const nsToIso = (ns: number) => (ns > 0 ? rfc3339(Math.floor(ns / 1e6)) : undefined);

function stateOf(c: ContainerStatus | undefined, waiting: { reason: string; message?: string } | undefined): ContainerState {
  if (waiting && (!c || c.state === 'CONTAINER_EXITED')) return { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
  if (!c) return { waiting: { reason: 'ContainerCreating' } };
  switch (c.state) {
    case 'CONTAINER_RUNNING':
      return { running: { startedAt: nsToIso(c.startedAt) } };
    case 'CONTAINER_EXITED':
      return {
        terminated: {
          exitCode: c.exitCode,
          reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
          ...(c.message ? { message: c.message } : {}),
          startedAt: nsToIso(c.startedAt),
          finishedAt: nsToIso(c.finishedAt),
          containerID: `containerd://${c.id}`,
        },
      };
    default:
      return { waiting: { reason: 'ContainerCreating' } };
  }
}

function previousOf(rp: RuntimePod | undefined, cur: ContainerStatus | undefined): ContainerState {
  if (!rp || !cur) return {};
  const prev = rp.containers.filter((c) => c.name === cur.name && c.attempt < cur.attempt).sort((a, b) => b.attempt - a.attempt)[0];
  return prev ? stateOf(prev, undefined) : {};
}

/** Probe verdicts: readiness and startup per running container (absent = no probe = true). */
export interface ProbeView {
  ready(containerName: string): boolean;
  started(containerName: string): boolean;
}

function containerStatuses(pod: Pod, rp: RuntimePod | undefined, init: boolean, waiting: WaitingReasons, probes?: ProbeView): K8sContainerStatus[] {
  const specs = init ? pod.spec.initContainers ?? [] : pod.spec.containers;
  return specs.map((spec) => {
    const cur = latestContainer(rp, spec.name);
    const state = stateOf(cur, waiting[spec.name]);
    const running = !!state.running;
    const st: K8sContainerStatus = {
      name: spec.name,
      state,
      lastState: previousOf(rp, cur),
      ready: !init && running && (probes ? probes.ready(spec.name) : true),
      restartCount: restartCountOf(cur),
      image: spec.image ?? '',
      imageID: cur?.imageRef ?? '',
      started: running && (probes ? probes.started(spec.name) : true),
    };
    if (cur) st.containerID = `containerd://${cur.id}`;
    if (init) st.ready = !!state.terminated && state.terminated.exitCode === 0;
    return st;
  });
}

function condition(type: string, ok: boolean, now: string, prev: Condition[] | undefined, reason?: string): Condition {
  const old = prev?.find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  return { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now, ...(reason && !ok ? { reason } : {}) };
}

/**
 * 1. container and init container statuses; 2. phase (Pending/Running/Succeeded/Failed);
 * 3. conditions Initialized, ContainersReady, Ready, PodScheduled; 4. IPs and start time.
 */
export function buildPodStatus(pod: Pod, rp: RuntimePod | undefined, o: { now: number; hostIP: string; waiting: WaitingReasons; probes?: ProbeView }): PodStatus {
  const now = rfc3339(o.now);
  const init = containerStatuses(pod, rp, true, o.waiting);
  const app = containerStatuses(pod, rp, false, o.waiting, o.probes);
  const initDone = init.every((s) => s.state?.terminated?.exitCode === 0);
  const policy = pod.spec.restartPolicy ?? 'Always';
  // phase, as upstream getPhase
  let phase: PodStatus['phase'] = 'Pending';
  const initFailed = init.some((s) => s.state?.terminated && s.state.terminated.exitCode !== 0) && policy === 'Never';
  if (initFailed) phase = 'Failed';
  else if (initDone) {
    const running = app.filter((s) => s.state?.running).length;
    const terminated = app.filter((s) => s.state?.terminated);
    const waiting = app.filter((s) => s.state?.waiting && !(s.lastState?.terminated)).length;
    const succeeded = terminated.filter((s) => s.state!.terminated!.exitCode === 0).length;
    const failed = terminated.length - succeeded;
    if (waiting > 0 && running === 0 && terminated.length === 0) phase = 'Pending';
    else if (running > 0) phase = 'Running';
    else if (terminated.length === app.length && app.length > 0) {
      if (policy === 'Always') phase = 'Running';
      else if (failed > 0 && policy === 'Never') phase = 'Failed';
      else if (failed > 0) phase = 'Running';
      else phase = 'Succeeded';
    } else phase = app.some((s) => s.lastState?.terminated) ? 'Running' : 'Pending';
  }
  const ready = phase === 'Running' && app.every((s) => s.ready);
  const sandbox = rp?.sandboxes.find((s) => s.state === 'SANDBOX_READY') ?? rp?.sandboxes[0];
  const prev = pod.status?.conditions;
  const conditions: Condition[] = [
    condition('PodReadyToStartContainers', !!sandbox && sandbox.state === 'SANDBOX_READY', now, prev),
    condition('Initialized', initDone, now, prev, 'ContainersNotInitialized'),
    condition('Ready', ready, now, prev, 'ContainersNotReady'),
    condition('ContainersReady', ready, now, prev, 'ContainersNotReady'),
    condition('PodScheduled', true, now, prev),
  ];
  const podIP = pod.spec.hostNetwork ? o.hostIP : sandbox?.ip;
  const status: PodStatus = {
    ...(pod.status ?? {}),
    phase,
    conditions,
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    startTime: pod.status?.startTime ?? now,
    containerStatuses: app,
  };
  if (init.length) status.initContainerStatuses = init;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  return status;
}
