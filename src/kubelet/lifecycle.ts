// Container lifecycle as upstream: postStart/preStop hooks (exec over CRI ExecSync, httpGet,
// sleep) and killContainer (preStop within the grace period, then StopContainer with what is left).
import type { Container, LifecycleHandler, Pod } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { CriError, type RuntimeService } from './cri/runtime-service.js';
import { httpGet, type HandlerResult } from './handlers.js';
import type { PodEventSink } from './sync-pod.js';

/** What running hooks and killing containers needs. */
export interface LifecycleDeps {
  runtime: RuntimeService;
  clock: Clock;
  logger: Logger;
  event: PodEventSink;
}

/** Upstream never stops a container with less than this many seconds of grace after preStop. */
export const MIN_GRACE_SECONDS = 2;

const podDesc = (pod: Pod) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

/**
 * Runs one lifecycle handler against a container. `timeoutSeconds` 0 means no limit (postStart).
 * Resolves with a message worded as upstream's hook errors; never throws.
 */
export async function runHook(handler: LifecycleHandler, pod: Pod, c: Container, containerId: string, podIP: string | undefined, timeoutSeconds: number, d: Pick<LifecycleDeps, 'runtime' | 'clock'>): Promise<HandlerResult> {
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    try {
      const r = await d.runtime.execSync(containerId, cmd, timeoutSeconds);
      if (r.exitCode === 0) return { ok: true, message: '' };
      const out = `${r.stdout.toString()}${r.stderr.toString()}`.trim();
      return { ok: false, message: `Exec lifecycle hook (${JSON.stringify(cmd)}) for Container "${c.name}" in Pod "${podDesc(pod)}" failed - error: command '${cmd.join(' ')}' exited with ${r.exitCode}: ${out}, message: "${out}"` };
    } catch (err) {
      return { ok: false, message: `Exec lifecycle hook (${JSON.stringify(cmd)}) for Container "${c.name}" in Pod "${podDesc(pod)}" failed - error: ${(err as Error).message}, message: ""` };
    }
  }
  if (handler.httpGet) {
    const r = await httpGet(handler.httpGet, c, podIP ?? '127.0.0.1', timeoutSeconds * 1000, 'kube-lifecycle/1.32');
    return r.ok ? r : { ok: false, message: `HTTP lifecycle hook (${handler.httpGet.path ?? '/'}) for Container "${c.name}" in Pod "${podDesc(pod)}" failed - error: ${r.message}` };
  }
  if (handler.sleep) {
    await d.clock.sleep(handler.sleep.seconds * 1000);
    return { ok: true, message: '' };
  }
  return { ok: false, message: `Cannot run handler: unknown handler type for Container "${c.name}" in Pod "${podDesc(pod)}"` };
}

/**
 * Stops one container as upstream killContainer:
 * 1. a Killing event; 2. preStop (when the spec has one and grace > 0), bounded by the grace
 * period, FailedPreStopHook on failure; 3. StopContainer with the grace left (at least 2 s when
 * a preStop ran); 4. ExceededGracePeriod when the runtime fails to stop it or overruns.
 */
export async function killContainer(pod: Pod, spec: Container | undefined, containerId: string, podIP: string | undefined, graceSeconds: number, d: LifecycleDeps, message?: string): Promise<void> {
  const name = spec?.name ?? containerId;
  d.event(pod, 'Normal', 'Killing', message ?? `Stopping container ${name}`);
  let grace = graceSeconds;
  const preStop = spec?.lifecycle?.preStop;
  if (preStop && grace > 0) {
    const start = d.clock.now();
    const timer = new AbortController();
    const verdict = await Promise.race([
      runHook(preStop, pod, spec!, containerId, podIP, grace, d),
      d.clock.sleep(grace * 1000, timer.signal).then(() => undefined, () => undefined),
    ]);
    timer.abort();
    if (verdict === undefined) d.logger.info({ pod: podDesc(pod), container: name }, 'preStop hook did not complete within the grace period');
    else if (!verdict.ok) d.event(pod, 'Warning', 'FailedPreStopHook', verdict.message);
    grace = Math.max(MIN_GRACE_SECONDS, grace - Math.floor((d.clock.now() - start) / 1000));
  }
  // 4. a runtime that did not stop it in time (or failed to) earns ExceededGracePeriod.
  const stopStart = d.clock.now();
  try {
    await d.runtime.stopContainer(containerId, grace);
    if (d.clock.now() - stopStart > (grace + STOP_SLACK_SECONDS) * 1000) d.event(pod, 'Warning', 'ExceededGracePeriod', 'Container runtime did not kill the pod within specified grace period.');
  } catch (err) {
    if (err instanceof CriError && err.code === 'NotFound') return;
    d.logger.warn({ err: (err as Error).message, id: containerId }, 'stop container failed');
    d.event(pod, 'Warning', 'ExceededGracePeriod', 'Container runtime did not kill the pod within specified grace period.');
  }
}

/** How far past the grace period StopContainer may run before the kubelet says so. */
const STOP_SLACK_SECONDS = 5;
