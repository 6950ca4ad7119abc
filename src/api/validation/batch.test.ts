import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Case, errorsAfter } from './testdata.js';
import { cronScheduleError } from './cron.js';

const jobs: Case[] = [
  { name: 'restartPolicy Always refused', mutate: (j) => (j.spec.template.spec.restartPolicy = 'Always'), want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
  { name: 'negative parallelism', mutate: (j) => (j.spec.parallelism = -1), want: ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'negative completions', mutate: (j) => (j.spec.completions = -2), want: ['spec.completions: Invalid value: -2: must be greater than or equal to 0'] },
  { name: 'Indexed needs completions', mutate: (j) => ((j.spec.completionMode = 'Indexed'), delete j.spec.completions), want: ['spec.completions: Required value: when completion mode is Indexed'] },
  { name: 'selector required', mutate: (j) => delete j.spec.selector, want: ['spec.selector: Required value'] },
  { name: 'template immutable', mutate: () => {}, update: (j) => (j.spec.template.spec.containers[0].image = 'perl:2'), want: [] },
  { name: 'suspend toggle allowed', mutate: () => {}, update: (j) => (j.spec.suspend = true), want: [] },
];

test('job rules', async () => {
  for (const c of jobs) {
    const got = await errorsAfter('jobs', c.mutate, c.update);
    if (c.name === 'template immutable') {
      assert.equal(got.length, 1);
      assert.match(got[0]!, /^spec\.template: Invalid value: .*: field is immutable$/);
      continue;
    }
    assert.deepEqual(got, c.want, c.name);
  }
});

const cronjobs: Case[] = [
  { name: 'bad schedule', mutate: (c) => (c.spec.schedule = 'every minute'), want: ['spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: every minute'] },
  { name: 'out of range', mutate: (c) => (c.spec.schedule = '61 * * * *'), want: ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'] },
  { name: 'descriptor', mutate: (c) => (c.spec.schedule = '@hourly'), want: [] },
  { name: 'TZ in schedule', mutate: (c) => (c.spec.schedule = 'TZ=UTC 0 * * * *'), want: ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'] },
  { name: 'concurrencyPolicy', mutate: (c) => (c.spec.concurrencyPolicy = 'Sometimes'), want: ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'] },
  { name: 'template restartPolicy', mutate: (c) => (c.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always'), want: ['spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
  { name: 'name length', mutate: (c) => (c.metadata.name = 'a'.repeat(53)), want: [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`] },
];

test('cronjob rules', async () => {
  for (const c of cronjobs) assert.deepEqual(await errorsAfter('cronjobs', c.mutate, c.update), c.want, c.name);
});

test('cron schedule parser', () => {
  const cases: [string, string | undefined][] = [
    ['*/5 * * * *', undefined],
    ['0 0 1 JAN,jul MON-FRI', undefined],
    ['0 0 * * 0-6', undefined],
    ['@daily', undefined],
    ['@every 1h30m', undefined],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['* * * *', 'expected exactly 5 fields, found 4: * * * *'],
    ['0 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
  ];
  for (const [s, want] of cases) assert.equal(cronScheduleError(s), want, s);
});
