// Cron schedules as the CronJob controller reads them (the standard 5-field syntax of robfig/cron:
// ranges, steps, lists, month and weekday names, `?`, the @yearly/@annually/@monthly/@weekly/
// @daily/@midnight/@hourly descriptors and `@every <duration>`), and the next activation time in an
// IANA time zone. Wall-clock times skipped by a DST change do not fire; repeated ones fire at
// each occurrence (as robfig/cron, which walks real time).

interface Bounds { min: number; max: number; names?: Record<string, number> }

const months: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const dows: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: dows },
];
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

/** A parsed schedule: allowed values per field (with the `*` marks deciding day matching), or a fixed period. */
export type CronSchedule =
  | { kind: 'fields'; minute: boolean[]; hour: boolean[]; dom: boolean[]; month: boolean[]; dow: boolean[]; domStar: boolean; dowStar: boolean; timeZone?: string }
  | { kind: 'every'; periodMs: number; timeZone?: string };

function parseNum(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** Sets the bits of one comma-separated part; returns whether it was a bare `*`/`?` (step 1). */
function parseRange(expr: string, b: Bounds, bits: boolean[]): boolean {
  const [rangePart, stepPart, extra] = expr.split('/');
  if (extra !== undefined) throw new Error(`too many slashes: ${expr}`);
  let start: number;
  let end: number;
  let star = false;
  if (rangePart === '*' || rangePart === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    const lh = rangePart!.split('-');
    if (lh.length > 2) throw new Error(`too many hyphens: ${expr}`);
    start = parseNum(lh[0]!, b);
    end = lh.length === 2 ? parseNum(lh[1]!, b) : start;
  }
  let step = 1;
  if (stepPart !== undefined) {
    step = parseNum(stepPart, b);
    if (step <= 0) throw new Error(`step of range should be a positive number: ${expr}`);
    if (!star && !rangePart!.includes('-')) end = b.max;
    if (step > 1) star = false;
  }
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  for (let v = start; v <= end; v += step) bits[v] = true;
  return star;
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseGoDuration(s: string, spec: string): number {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) throw new Error(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(s)}`);
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * GO_UNITS[m[2]!]!;
  return ms;
}

/**
 * Parses a schedule; throws with robfig/cron's messages. A leading `TZ=zone` or `CRON_TZ=zone` is
 * read into `timeZone` (the API refuses it at validation; the controller warns about it).
 */
export function parseCronSchedule(schedule: string): CronSchedule {
  let s = schedule.trim();
  let timeZone: string | undefined;
  const tz = /^(?:CRON_)?TZ=(\S+)\s+/.exec(s);
  if (tz) {
    timeZone = tz[1];
    if (!isValidTimeZone(timeZone!)) throw new Error(`provided bad location ${timeZone}: unknown time zone ${timeZone}`);
    s = s.slice(tz[0].length).trim();
  }
  if (s.length === 0) throw new Error('empty spec string');
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const periodMs = Math.max(1000, Math.floor(parseGoDuration(s.slice(7).trim(), s) / 1000) * 1000);
      return { kind: 'every', periodMs, timeZone };
    }
    const d = DESCRIPTORS[s];
    if (!d) throw new Error(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const parts = s.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${s}`);
  const bits = FIELDS.map((b) => new Array<boolean>(b.max + 1).fill(false));
  const stars = parts.map((p, i) => p.split(',').map((e) => parseRange(e, FIELDS[i]!, bits[i]!)).some(Boolean));
  return { kind: 'fields', minute: bits[0]!, hour: bits[1]!, dom: bits[2]!, month: bits[3]!, dow: bits[4]!, domStar: stars[2]!, dowStar: stars[4]!, timeZone };
}

/** Undefined when `schedule` parses, else the parser's message. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    parseCronSchedule(schedule);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Whether Intl knows the IANA zone ("Local" and "" mean the process zone, as Go's LoadLocation). */
export function isValidTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'Local' || tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of instant `ms` in `tz` (undefined tz: UTC). */
export function wallClock(ms: number, tz?: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  if (!tz || tz === 'UTC') {
    const x = new Date(ms);
    return { y: x.getUTCFullYear(), mo: x.getUTCMonth() + 1, d: x.getUTCDate(), h: x.getUTCHours(), mi: x.getUTCMinutes(), s: x.getUTCSeconds() };
  }
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** The zone's offset from UTC at instant `ms`, in ms (local = utc + offset). */
export function zoneOffset(ms: number, tz?: string): number {
  const w = wallClock(ms, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

/** Every instant whose wall clock in `tz` reads the given minute, ascending: none inside a DST gap, two in a repeated hour. */
export function fromWallClock(y: number, mo: number, d: number, h: number, mi: number, tz?: string): number[] {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  if (!tz || tz === 'UTC') return [guess];
  const c1 = guess - zoneOffset(guess, tz);
  const cands = [c1, guess - zoneOffset(c1, tz), guess - zoneOffset(guess - 86_400_000, tz), guess - zoneOffset(guess + 86_400_000, tz)];
  const ok = cands.filter((c) => {
    const w = wallClock(c, tz);
    return w.y === y && w.mo === mo && w.d === d && w.h === h && w.mi === mi;
  });
  return [...new Set(ok)].sort((a, b) => a - b);
}

const MAX_DAYS = 5 * 366;

/** The zone of a schedule: the `TZ=` prefix, else the CronJob's timeZone, else UTC (the controller's zone here). */
function zoneOf(s: CronSchedule, timeZone?: string): string | undefined {
  const z = s.timeZone ?? timeZone;
  return z === '' || z === 'Local' ? undefined : z;
}

/**
 * The first activation strictly after `after` (epoch ms), or undefined when none within five years.
 * Steps: walk local calendar days from the day of `after`; on days whose month and day match (both
 * day fields when either is `*`, else either), try hours and minutes in order; skip non-existent
 * wall times; return the first instant after `after`.
 */
export function nextActivation(s: CronSchedule, after: number, timeZone?: string): number | undefined {
  if (s.kind === 'every') return Math.floor(after / 1000) * 1000 + s.periodMs;
  const tz = zoneOf(s, timeZone);
  const w = wallClock(after, tz);
  const startDay = Date.UTC(w.y, w.mo - 1, w.d);
  const startMinute = w.h * 60 + w.mi;
  for (let day = 0; day < MAX_DAYS; day++) {
    const date = new Date(startDay + day * 86_400_000);
    const y = date.getUTCFullYear();
    const mo = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (!s.month[mo]) continue;
    const domOk = !!s.dom[d];
    const dowOk = !!s.dow[date.getUTCDay()];
    if (s.domStar || s.dowStar ? !(domOk && dowOk) : !(domOk || dowOk)) continue;
    // Fast path: no offset change during this local day (then wall times map to instants in order).
    const midnight = fromWallClock(y, mo, d, 0, 0, tz)[0];
    const offA = midnight !== undefined ? zoneOffset(midnight, tz) : NaN;
    const steady = midnight !== undefined && offA === zoneOffset(midnight + 86_400_000 - 1, tz);
    let best: number | undefined;
    for (let h = 0; h < 24; h++) {
      if (!s.hour[h]) continue;
      if (steady && day === 0 && h * 60 + 59 < startMinute) continue;
      for (let mi = 0; mi < 60; mi++) {
        if (!s.minute[mi]) continue;
        if (steady) {
          const t = Date.UTC(y, mo - 1, d, h, mi) - offA;
          if (t > after) return t;
          continue;
        }
        for (const t of fromWallClock(y, mo, d, h, mi, tz)) if (t > after && (best === undefined || t < best)) best = t;
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}
