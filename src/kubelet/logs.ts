// Container logs from CRI log files ("<RFC3339Nano> <stream> <P|F> <message>"): tail, since,
// timestamps, follow (until the container exits).
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps: boolean;
  limitBytes?: number;
}

/** Decodes CRI log lines into output text (pure): partial lines join, timestamps optional. */
export function renderLogLines(lines: string[], o: Pick<LogOptions, 'timestamps' | 'sinceSeconds'>, now: number): string {
  let out = '';
  let pending = '';
  for (const line of lines) {
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/.exec(line);
    if (!m) continue;
    if (o.sinceSeconds !== undefined && Date.parse(m[1]!) < now - o.sinceSeconds * 1000) continue;
    pending += m[4];
    if (m[3] === 'F') {
      out += (o.timestamps ? `${m[1]} ` : '') + pending + '\n';
      pending = '';
    }
  }
  return out;
}

/** Streams a log file to `res`; with follow, keeps reading until `stillRunning` says no. */
export async function streamLog(file: string, res: ServerResponse, o: LogOptions, stillRunning: () => Promise<boolean>, now: () => number, signal: AbortSignal): Promise<void> {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  let lines = text.split('\n').filter(Boolean);
  if (o.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - o.tailLines));
  res.write(renderLogLines(lines, o, now()));
  if (!o.follow) return;
  let offset = Buffer.byteLength(text);
  let carry = '';
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 250));
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      size = offset;
    }
    if (size > offset) {
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      const chunk = carry + buf.toString('utf8');
      const parts = chunk.split('\n');
      carry = parts.pop() ?? '';
      res.write(renderLogLines(parts.filter(Boolean), { timestamps: o.timestamps }, now()));
    } else if (!(await stillRunning())) return;
  }
}
