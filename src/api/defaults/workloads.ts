// apps/v1 and batch/v1 defaulting (upstream apps/v1 and batch/v1 SetDefaults_*), including the
// apiserver-generated Job selector.
import type { CronJob, DaemonSet, Deployment, Job, PodTemplateSpec, ReplicaSet, StatefulSet } from '../types/index.js';
import { defaultPodSpec } from './pod.js';

function defaultTemplate(t: PodTemplateSpec | undefined): void {
  if (t && t.spec) defaultPodSpec(t.spec);
}

/** Deployments: replicas 1, RollingUpdate 25%/25%, history 10, progress deadline 600s. */
export function defaultDeployment(d: Deployment): void {
  d.spec ??= {} as Deployment['spec'];
  const s = d.spec;
  s.replicas ??= 1;
  s.strategy ??= {};
  s.strategy.type ??= 'RollingUpdate';
  if (s.strategy.type === 'RollingUpdate') {
    s.strategy.rollingUpdate ??= {};
    s.strategy.rollingUpdate.maxUnavailable ??= '25%';
    s.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  defaultTemplate(s.template);
}

/** ReplicaSets: replicas 1. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec ??= {} as ReplicaSet['spec'];
  rs.spec.replicas ??= 1;
  defaultTemplate(rs.spec.template);
}

/** StatefulSets: replicas 1, OrderedReady, RollingUpdate partition 0, history 10, Retain/Retain. */
export function defaultStatefulSet(ss: StatefulSet): void {
  ss.spec ??= {} as StatefulSet['spec'];
  const s = ss.spec;
  s.replicas ??= 1;
  s.podManagementPolicy ??= 'OrderedReady';
  s.updateStrategy ??= {};
  s.updateStrategy.type ??= 'RollingUpdate';
  if (s.updateStrategy.type === 'RollingUpdate') {
    s.updateStrategy.rollingUpdate ??= {};
    s.updateStrategy.rollingUpdate.partition ??= 0;
  }
  s.revisionHistoryLimit ??= 10;
  s.persistentVolumeClaimRetentionPolicy ??= {};
  s.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  s.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  defaultTemplate(s.template);
}

/** DaemonSets: RollingUpdate maxUnavailable 1 maxSurge 0, history 10. */
export function defaultDaemonSet(ds: DaemonSet): void {
  ds.spec ??= {} as DaemonSet['spec'];
  const s = ds.spec;
  s.updateStrategy ??= {};
  s.updateStrategy.type ??= 'RollingUpdate';
  if (s.updateStrategy.type === 'RollingUpdate') {
    s.updateStrategy.rollingUpdate ??= {};
    s.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    s.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  s.revisionHistoryLimit ??= 10;
  defaultTemplate(s.template);
}

/** Jobs: completions/parallelism 1 when both unset, backoffLimit 6, NonIndexed, suspend false. */
export function defaultJob(job: Job): void {
  job.spec ??= {} as Job['spec'];
  const s = job.spec;
  if (s.completions === undefined && s.parallelism === undefined) {
    s.completions = 1;
    s.parallelism = 1;
  }
  s.parallelism ??= 1;
  s.backoffLimit ??= 6;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  if (s.podReplacementPolicy === undefined) s.podReplacementPolicy = 'TerminatingOrFailed';
  // The apiserver assigns the uid before defaulting on create: generate the selector then.
  if (s.manualSelector !== true && !s.selector && job.metadata?.uid) defaultJobSelector(job, job.metadata.uid);
  defaultTemplate(s.template);
}

/**
 * The apiserver-generated Job selector (upstream job strategy generateSelector): unless
 * `manualSelector` is true, labels `controller-uid`/`batch.kubernetes.io/controller-uid` = uid and
 * `job-name`/`batch.kubernetes.io/job-name` = name go on the template, and the selector matches the uid.
 */
export function defaultJobSelector(job: Job, uid: string): void {
  job.spec ??= {} as Job['spec'];
  const s = job.spec;
  if (s.manualSelector === true) return;
  const name = job.metadata.name ?? '';
  s.template ??= { spec: { containers: [] } };
  s.template.metadata ??= {};
  const labels = (s.template.metadata.labels ??= {});
  labels['batch.kubernetes.io/controller-uid'] ??= uid;
  labels['batch.kubernetes.io/job-name'] ??= name;
  labels['controller-uid'] ??= uid;
  labels['job-name'] ??= name;
  s.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}

/** CronJobs: Allow, suspend false, history 3 / 1. */
export function defaultCronJob(cj: CronJob): void {
  cj.spec ??= {} as CronJob['spec'];
  const s = cj.spec;
  s.concurrencyPolicy ??= 'Allow';
  s.suspend ??= false;
  s.successfulJobsHistoryLimit ??= 3;
  s.failedJobsHistoryLimit ??= 1;
  if (s.jobTemplate?.spec) {
    const js = s.jobTemplate.spec;
    if (js.completions === undefined && js.parallelism === undefined) {
      js.completions = 1;
      js.parallelism = 1;
    }
    js.parallelism ??= 1;
    js.backoffLimit ??= 6;
    js.completionMode ??= 'NonIndexed';
    js.suspend ??= false;
    if (js.podReplacementPolicy === undefined) js.podReplacementPolicy = 'TerminatingOrFailed';
    defaultTemplate(js.template);
  }
}
