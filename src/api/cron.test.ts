import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronScheduleError, fromWallClock, nextActivation, parseCronSchedule } from './cron.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? 'none' : new Date(ms).toISOString().replace('.000Z', 'Z'));

test('cron parsing: accepted and refused schedules with robfig/cron messages', () => {
  const cases: [string, string | undefined][] = [
    ['* * * * *', undefined],
    ['*/15 0-6,22 1,15 jan-MAR mon-fri', undefined],
    ['0 0 ? * SUN', undefined],
    ['@hourly', undefined], ['@daily', undefined], ['@midnight', undefined], ['@weekly', undefined],
    ['@monthly', undefined], ['@yearly', undefined], ['@annually', undefined], ['@every 90s', undefined],
    ['@reboot', 'unrecognized descriptor: @reboot'],
    ['every minute', 'expected exactly 5 fields, found 2: every minute'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['', 'empty spec string'],
  ];
  for (const [spec, want] of cases) assert.equal(cronScheduleError(spec), want, spec);
  const tz = parseCronSchedule('CRON_TZ=Europe/Paris 0 9 * * *');
  assert.equal(tz.timeZone, 'Europe/Paris');
  assert.match(cronScheduleError('TZ=Nowhere/Land 0 9 * * *')!, /unknown time zone/);
});

test('cron next activation (UTC): steps, lists, names, descriptors, day-of-month OR day-of-week', () => {
  const cases: { spec: string; after: string; want: string; tz?: string }[] = [
    { spec: '* * * * *', after: '2024-01-01T00:07:30Z', want: '2024-01-01T00:08:00Z' },
    { spec: '* * * * *', after: '2024-01-01T00:08:00Z', want: '2024-01-01T00:09:00Z' },
    { spec: '*/15 * * * *', after: '2024-01-01T00:07:00Z', want: '2024-01-01T00:15:00Z' },
    { spec: '5/20 * * * *', after: '2024-01-01T00:26:00Z', want: '2024-01-01T00:45:00Z' },
    { spec: '0 9 * * 1-5', after: '2024-01-06T10:00:00Z', want: '2024-01-08T09:00:00Z' },
    { spec: '0 0 1,15 * *', after: '2024-01-02T00:00:00Z', want: '2024-01-15T00:00:00Z' },
    { spec: '0 0 13 * 5', after: '2024-01-01T00:00:00Z', want: '2024-01-05T00:00:00Z' },
    { spec: '0 0 13 * *', after: '2024-01-01T00:00:00Z', want: '2024-01-13T00:00:00Z' },
    { spec: '0 0 * feb sun', after: '2024-01-01T00:00:00Z', want: '2024-02-04T00:00:00Z' },
    { spec: '0 0 29 2 *', after: '2024-03-01T00:00:00Z', want: '2028-02-29T00:00:00Z' },
    { spec: '@hourly', after: '2024-01-01T10:30:00Z', want: '2024-01-01T11:00:00Z' },
    { spec: '@daily', after: '2024-01-01T10:30:00Z', want: '2024-01-02T00:00:00Z' },
    { spec: '@weekly', after: '2024-01-01T10:30:00Z', want: '2024-01-07T00:00:00Z' },
    { spec: '@monthly', after: '2024-01-31T10:30:00Z', want: '2024-02-01T00:00:00Z' },
    { spec: '@yearly', after: '2024-01-31T10:30:00Z', want: '2025-01-01T00:00:00Z' },
    { spec: '@every 90s', after: '2024-01-01T00:00:00Z', want: '2024-01-01T00:01:30Z' },
    { spec: '0 0 31 2 *', after: '2024-01-01T00:00:00Z', want: 'none' },
  ];
  for (const c of cases) assert.equal(iso(nextActivation(parseCronSchedule(c.spec), at(c.after), c.tz)), c.want, `${c.spec} after ${c.after}`);
});

test('cron next activation in time zones, across DST changes', () => {
  const cases: { spec: string; tz: string; after: string; want: string }[] = [
    { spec: '0 9 * * *', tz: 'America/New_York', after: '2024-01-01T00:00:00Z', want: '2024-01-01T14:00:00Z' },
    { spec: '0 9 * * *', tz: 'America/New_York', after: '2024-07-01T00:00:00Z', want: '2024-07-01T13:00:00Z' },
    { spec: '0 9 * * *', tz: 'Asia/Kolkata', after: '2024-07-01T00:00:00Z', want: '2024-07-01T03:30:00Z' },
    // Spring forward: 02:30 does not exist on 2024-03-10 in New York; that day is skipped.
    { spec: '30 2 * * *', tz: 'America/New_York', after: '2024-03-09T06:00:00Z', want: '2024-03-09T07:30:00Z' },
    { spec: '30 2 * * *', tz: 'America/New_York', after: '2024-03-09T12:00:00Z', want: '2024-03-11T06:30:00Z' },
    { spec: '30 2 * * *', tz: 'America/New_York', after: '2024-03-10T00:00:00Z', want: '2024-03-11T06:30:00Z' },
    { spec: '0 3 * * *', tz: 'America/New_York', after: '2024-03-10T00:00:00Z', want: '2024-03-10T07:00:00Z' },
    // Fall back: 01:30 happens twice on 2024-11-03 (EDT then EST); both fire.
    { spec: '30 1 * * *', tz: 'America/New_York', after: '2024-11-03T00:00:00Z', want: '2024-11-03T05:30:00Z' },
    { spec: '30 1 * * *', tz: 'America/New_York', after: '2024-11-03T05:30:00Z', want: '2024-11-03T06:30:00Z' },
    { spec: '0,20 * * * *', tz: 'America/New_York', after: '2024-11-03T05:10:00Z', want: '2024-11-03T05:20:00Z' },
    { spec: '0 * * * *', tz: 'America/New_York', after: '2024-11-03T05:00:00Z', want: '2024-11-03T06:00:00Z' },
    { spec: '0 0 * * *', tz: 'Europe/Berlin', after: '2024-03-30T23:00:00Z', want: '2024-03-31T22:00:00Z' },
  ];
  for (const c of cases) assert.equal(iso(nextActivation(parseCronSchedule(c.spec), at(c.after), c.tz)), c.want, `${c.spec} ${c.tz} after ${c.after}`);
  assert.deepEqual(fromWallClock(2024, 3, 10, 2, 30, 'America/New_York'), []);
  assert.equal(fromWallClock(2024, 11, 3, 1, 30, 'America/New_York').length, 2);
});
