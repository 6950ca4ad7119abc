// Cron schedule parsing as the CronJob controller accepts it (standard 5-field syntax plus
// @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly and @every <duration>).

interface Bounds { min: number; max: number; names?: Record<string, number> }

const months: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const dows: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const fields: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: dows },
];
const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function parseNum(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function parseRange(expr: string, b: Bounds): void {
  const [rangePart, stepPart, extra] = expr.split('/');
  if (extra !== undefined) throw new Error(`too many slashes: ${expr}`);
  let start: number;
  let end: number;
  if (rangePart === '*' || rangePart === '?') {
    start = b.min;
    end = b.max;
  } else {
    const lh = rangePart!.split('-');
    if (lh.length > 2) throw new Error(`too many hyphens: ${expr}`);
    start = parseNum(lh[0]!, b);
    end = lh.length === 2 ? parseNum(lh[1]!, b) : start;
  }
  if (stepPart !== undefined) {
    const step = parseNum(stepPart, b);
    if (step <= 0) throw new Error(`step of range should be a positive number: ${expr}`);
    if (rangePart !== '*' && rangePart !== '?' && !rangePart!.includes('-')) end = b.max;
  }
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
}

/** Returns undefined when `schedule` parses, else the parser's error message. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.length === 0) return 'empty spec string';
  try {
    if (s.startsWith('@')) {
      if (descriptors.has(s)) return undefined;
      if (s.startsWith('@every ')) {
        const d = s.slice(7).trim();
        if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(d)) throw new Error(`failed to parse duration ${s}: time: invalid duration ${JSON.stringify(d)}`);
        return undefined;
      }
      throw new Error(`unrecognized descriptor: ${s}`);
    }
    const parts = s.split(/\s+/);
    if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${s}`);
    parts.forEach((p, i) => {
      for (const expr of p.split(',')) parseRange(expr, fields[i]!);
    });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
