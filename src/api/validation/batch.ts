// batch/v1 validation: Jobs and CronJobs (upstream batch/validation).
import { type FieldError, Path, invalid, required } from './errors.js';
import { isInt, isObj, obj, str } from './json.js';
import { validateEnum, validateImmutable, validateNonnegative, validatePositive } from './common.js';
import { validateSelectorAndTemplate } from './apps.js';
import { validatePodSpec } from './pod.js';
import { validateLabels } from './labels.js';
import { cronScheduleError } from './cron.js';
import { isValidTimeZone as isKnownTimeZone } from '../cron.js';

const jobRestartPolicies = ['OnFailure', 'Never'];

function validateJobSpecFields(spec: Record<string, unknown>, sp: Path): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(spec.parallelism, sp.child('parallelism')));
  errs.push(...validateNonnegative(spec.completions, sp.child('completions')));
  errs.push(...validatePositive(spec.activeDeadlineSeconds, sp.child('activeDeadlineSeconds')));
  errs.push(...validateNonnegative(spec.backoffLimit, sp.child('backoffLimit')));
  errs.push(...validateNonnegative(spec.ttlSecondsAfterFinished, sp.child('ttlSecondsAfterFinished')));
  errs.push(...validateEnum(spec.completionMode, ['NonIndexed', 'Indexed'], sp.child('completionMode')));
  if (spec.completionMode === 'Indexed' && !isInt(spec.completions)) errs.push(required(sp.child('completions'), 'when completion mode is Indexed'));
  errs.push(...validateEnum(spec.podReplacementPolicy, ['TerminatingOrFailed', 'Failed'], sp.child('podReplacementPolicy')));
  return errs;
}

/** Jobs: selector required (the apiserver generates it unless manualSelector), restartPolicy OnFailure|Never. */
export function validateJob(job: Record<string, unknown>): FieldError[] {
  const spec = obj(job.spec);
  const sp = new Path('spec');
  return [...validateSelectorAndTemplate(spec, sp, 'job', jobRestartPolicies), ...validateJobSpecFields(spec, sp), ...templateRestartRequired(spec, sp)];
}

function templateRestartRequired(spec: Record<string, unknown>, sp: Path): FieldError[] {
  const rp = obj(obj(spec.template).spec).restartPolicy;
  return rp === undefined ? [invalidRestart(rp, sp)] : [];
}

function invalidRestart(rp: unknown, sp: Path): FieldError {
  const detail = `supported values: ${jobRestartPolicies.map((x) => JSON.stringify(x)).join(', ')}`;
  const f = sp.child('template', 'spec', 'restartPolicy').toString();
  if (rp === undefined) return required(f, '');
  return { type: 'FieldValueNotSupported', field: f, message: `Unsupported value: ${JSON.stringify(rp)}: ${detail}`, detail };
}

/** Job updates: selector, template, completions and completionMode are immutable. */
export function validateJobUpdate(job: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const spec = obj(job.spec);
  const oldSpec = obj(old.spec);
  const sp = new Path('spec');
  return [
    ...validateJob(job),
    ...validateImmutable(spec.selector, oldSpec.selector, sp.child('selector')),
    ...validateImmutable(spec.template, oldSpec.template, sp.child('template')),
    ...validateImmutable(spec.completions, oldSpec.completions, sp.child('completions')),
    ...validateImmutable(spec.completionMode, oldSpec.completionMode, sp.child('completionMode')),
  ];
}

/** CronJobs: schedule, concurrencyPolicy, history limits, job template, name ≤ 52 chars. */
export function validateCronJob(cj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(cj.spec);
  const sp = new Path('spec');
  const name = str(obj(cj.metadata).name) ?? '';
  if (name.length > 52) errs.push(invalid(new Path('metadata').child('name'), name, 'must be no more than 52 characters'));
  // 1. schedule.
  const schedule = str(spec.schedule) ?? '';
  if (!schedule) errs.push(required(sp.child('schedule'), ''));
  else if (/(^|\s)(CRON_)?TZ=/.test(schedule)) errs.push(invalid(sp.child('schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  else {
    const e = cronScheduleError(schedule);
    if (e) errs.push(invalid(sp.child('schedule'), schedule, e));
  }
  const tz = str(spec.timeZone);
  if (tz !== undefined && !isValidTimeZone(tz)) errs.push(invalid(sp.child('timeZone'), tz, 'unknown time zone ' + tz));
  // 2. policies and limits.
  errs.push(...validateEnum(spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], sp.child('concurrencyPolicy'), true));
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds, sp.child('startingDeadlineSeconds')));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, sp.child('successfulJobsHistoryLimit')));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, sp.child('failedJobsHistoryLimit')));
  // 3. job template (selector is generated per job, so not required here).
  const jt = obj(spec.jobTemplate);
  const jp = sp.child('jobTemplate', 'spec');
  if (!isObj(jt.spec)) errs.push(required(jp, ''));
  else {
    const js = jt.spec;
    errs.push(...validateJobSpecFields(js, jp));
    const tmpl = obj(js.template);
    errs.push(...validateLabels(obj(tmpl.metadata).labels, jp.child('template', 'metadata', 'labels')));
    errs.push(...validatePodSpec(tmpl.spec, jp.child('template', 'spec')));
    const rp = obj(tmpl.spec).restartPolicy;
    if (rp !== undefined && !jobRestartPolicies.includes(String(rp))) errs.push(invalidRestart(rp, jp));
    else if (rp === undefined) errs.push(invalidRestart(rp, jp));
  }
  return errs;
}

function isValidTimeZone(tz: string): boolean {
  return tz !== 'Local' && isKnownTimeZone(tz);
}
