// Probes (startup, liveness, readiness) with exec (CRI ExecSync), httpGet and tcpSocket,
// honouring initial delay, period, timeout and thresholds. Results feed the pod status
// (readiness) and restart containers (liveness).
import type { Container, Pod, Probe } from '../api/types/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { ContainerStatus, RuntimeService } from './cri/runtime-service.js';
import { httpGet, resolvePort, tcpConnect } from './handlers.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

interface ProbeState {
  containerId: string;
  lastRun: number;
  successes: number;
  failures: number;
  /** Current verdict (readiness starts false, liveness/startup start true/false as upstream). */
  ok: boolean;
  running: boolean;
}

/** Runs one probe action; resolves true on success. */
export type ProbeRunner = (kind: ProbeKind, probe: Probe, pod: Pod, c: Container, status: ContainerStatus, podIP: string | undefined) => Promise<{ ok: boolean; message: string }>;

/** The real probe actions over CRI and the network. */
export function realProbeRunner(runtime: RuntimeService): ProbeRunner {
  return async (_kind, probe, _pod, c, status, podIP) => {
    const timeoutS = probe.timeoutSeconds ?? 1;
    if (probe.exec) {
      try {
        const r = await runtime.execSync(status.id, probe.exec.command ?? [], timeoutS);
        return { ok: r.exitCode === 0, message: r.exitCode === 0 ? '' : `command ${JSON.stringify(probe.exec.command)} exited with ${r.exitCode}: ${r.stdout.toString().trim()}${r.stderr.toString().trim()}` };
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      }
    }
    const host = probe.httpGet?.host ?? probe.tcpSocket?.host ?? podIP ?? '127.0.0.1';
    if (probe.httpGet) return httpGet(probe.httpGet, c, host, timeoutS * 1000, 'kube-probe/1.32');
    if (probe.tcpSocket) {
      try {
        return await tcpConnect(host, resolvePort(probe.tcpSocket.port, c), timeoutS * 1000);
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      }
    }
    return { ok: true, message: '' };
  };
}

export interface ProberOptions {
  runner: ProbeRunner;
  clock: Clock;
  logger: Logger;
  /** A verdict changed (readiness) or a container must restart (liveness): resync the pod. */
  onChange(pod: Pod): void;
  /** One probe run failed (the kubelet records an `Unhealthy` event). */
  onFailure(pod: Pod, c: Container, kind: ProbeKind, message: string): void;
  /** Liveness (or startup) failed past its threshold: the container must be killed and restarted. */
  onRestart(pod: Pod, c: Container, status: ContainerStatus, kind: ProbeKind): Promise<void>;
}

/** Keeps probe state per (pod uid, container, kind); `tick` runs whatever is due. */
export class Prober {
  private readonly states = new Map<string, ProbeState>();
  private readonly inflight = new Set<string>();

  constructor(private readonly o: ProberOptions) {}

  private key(pod: Pod, c: string, kind: ProbeKind): string {
    return `${pod.metadata.uid}/${c}/${kind}`;
  }

  /** Readiness of a running container: probe verdict, or true when it has no readiness probe. */
  ready(pod: Pod, c: Container, status: ContainerStatus | undefined): boolean {
    if (!status || status.state !== 'CONTAINER_RUNNING') return false;
    if (!this.started(pod, c, status)) return false;
    if (!c.readinessProbe) return true;
    const s = this.states.get(this.key(pod, c.name, 'readiness'));
    return !!s && s.containerId === status.id && s.ok;
  }

  /** Startup probe passed (or none). */
  started(pod: Pod, c: Container, status: ContainerStatus | undefined): boolean {
    if (!status || status.state !== 'CONTAINER_RUNNING') return false;
    if (!c.startupProbe) return true;
    const s = this.states.get(this.key(pod, c.name, 'startup'));
    return !!s && s.containerId === status.id && s.ok;
  }

  /** Drops the state of a pod that is gone. */
  forget(uid: string): void {
    for (const k of [...this.states.keys()]) if (k.startsWith(`${uid}/`)) this.states.delete(k);
  }

  /** 1. for each running container and probe kind; 2. skip until initial delay and period pass; 3. run; 4. apply thresholds. */
  tick(pods: { pod: Pod; containers: Map<string, ContainerStatus>; podIP?: string }[]): void {
    const now = this.o.clock.now();
    for (const { pod, containers, podIP } of pods) {
      for (const c of pod.spec.containers) {
        const st = containers.get(c.name);
        if (!st || st.state !== 'CONTAINER_RUNNING') continue;
        const kinds: [ProbeKind, Probe | undefined][] = [['startup', c.startupProbe], ['liveness', c.livenessProbe], ['readiness', c.readinessProbe]];
        for (const [kind, probe] of kinds) {
          if (!probe) continue;
          if (kind !== 'startup' && !this.started(pod, c, st)) continue;
          if (kind === 'startup' && this.started(pod, c, st)) continue;
          const key = this.key(pod, c.name, kind);
          let s = this.states.get(key);
          if (!s || s.containerId !== st.id) {
            s = { containerId: st.id, lastRun: 0, successes: 0, failures: 0, ok: kind === 'liveness', running: false };
            this.states.set(key, s);
          }
          const startedMs = st.startedAt / 1e6;
          if (now < startedMs + (probe.initialDelaySeconds ?? 0) * 1000) continue;
          if (now - s.lastRun < (probe.periodSeconds ?? 10) * 1000 || this.inflight.has(key)) continue;
          s.lastRun = now;
          this.inflight.add(key);
          const state = s;
          void this.o.runner(kind, probe, pod, c, st, podIP)
            .then((r) => this.record(pod, c, st, kind, probe, state, r))
            .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'probe failed to run'))
            .finally(() => this.inflight.delete(key));
        }
      }
    }
  }

  private async record(pod: Pod, c: Container, st: ContainerStatus, kind: ProbeKind, probe: Probe, s: ProbeState, r: { ok: boolean; message: string }): Promise<void> {
    const before = s.ok;
    if (r.ok) {
      s.successes++;
      s.failures = 0;
      if (s.successes >= (kind === 'readiness' ? probe.successThreshold ?? 1 : 1)) s.ok = true;
    } else {
      s.failures++;
      s.successes = 0;
      if (s.failures >= (probe.failureThreshold ?? 3)) s.ok = false;
    }
    if (!r.ok) this.o.logger.debug({ pod: pod.metadata.name, container: c.name, kind, message: r.message }, 'probe failed');
    if (!r.ok) this.o.onFailure(pod, c, kind, `${kind[0]!.toUpperCase()}${kind.slice(1)} probe failed: ${r.message}`);
    const startupGaveUp = kind === 'startup' && !r.ok && s.failures >= (probe.failureThreshold ?? 3);
    if (before !== s.ok || startupGaveUp) {
      if ((kind === 'liveness' && !s.ok) || startupGaveUp) await this.o.onRestart(pod, c, st, kind);
      this.o.onChange(pod);
    }
  }
}
