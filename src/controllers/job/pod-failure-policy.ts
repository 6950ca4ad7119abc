// spec.podFailurePolicy (upstream matchPodFailurePolicy): the first rule matching a failed pod's
// non-zero container exit codes or its conditions decides: FailJob, Ignore (not counted), Count
// (the default). FailIndex counts like Count here (backoffLimitPerIndex is not implemented).
import type { ContainerStatus, Job, Pod } from '../../api/types/index.js';

/** What a rule decided about one pod, with upstream's message for FailJob. */
export interface PolicyOutcome { action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count'; message?: string }

function exitCodeMatch(pod: Pod, req: NonNullable<Job['spec']['podFailurePolicy']>['rules'][number]['onExitCodes']): ContainerStatus | undefined {
  if (!req) return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.find((cs) => {
    const code = cs.state?.terminated?.exitCode;
    if (code === undefined || code === 0) return false;
    if (req.containerName && req.containerName !== cs.name) return false;
    return req.operator === 'In' ? req.values.includes(code) : !req.values.includes(code);
  });
}

/** The first matching rule's outcome, or undefined when no rule (or no policy) matches. */
export function matchPodFailurePolicy(job: Job, pod: Pod): PolicyOutcome | undefined {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const who = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [i, rule] of rules.entries()) {
    const c = exitCodeMatch(pod, rule.onExitCodes);
    if (c) {
      const code = c.state!.terminated!.exitCode;
      return { action: rule.action, message: `Container ${c.name} for pod ${who} failed with exit code ${code} matching ${rule.action} rule at index ${i}` };
    }
    const cond = (rule.onPodConditions ?? []).find((pc) => pod.status?.conditions?.some((x) => x.type === pc.type && x.status === (pc.status ?? 'True')));
    if (cond) return { action: rule.action, message: `Pod ${who} has condition ${cond.type} matching ${rule.action} rule at index ${i}` };
  }
  return undefined;
}

/** Splits newly failed pods into counted and ignored ones, and the first FailJob message, if any. */
export function applyPodFailurePolicy(job: Job, failed: Pod[]): { counted: Pod[]; ignored: Pod[]; failJob?: string } {
  const out: { counted: Pod[]; ignored: Pod[]; failJob?: string } = { counted: [], ignored: [] };
  for (const p of failed) {
    const m = p.status?.phase === 'Failed' ? matchPodFailurePolicy(job, p) : undefined;
    if (m?.action === 'Ignore') {
      out.ignored.push(p);
      continue;
    }
    if (m?.action === 'FailJob' && out.failJob === undefined) out.failJob = m.message;
    out.counted.push(p);
  }
  return out;
}
