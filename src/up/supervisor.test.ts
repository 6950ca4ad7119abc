import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { FakeClock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';
import { restartDelayMs, Supervisor } from './supervisor.js';

test('restartDelayMs doubles from 1 s and caps at 30 s', () => {
  const cases: [number, number][] = [[1, 1000], [2, 2000], [3, 4000], [5, 16_000], [6, 30_000], [20, 30_000]];
  for (const [n, want] of cases) assert.equal(restartDelayMs(n), want, `restart ${n}`);
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(cond(), what);
}

test('a crashed child restarts after its back-off, logs to its file, prefixes the terminal, and stops cleanly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-sup-'));
  const clock = new FakeClock(1_000_000);
  const out = new PassThrough();
  let terminal = '';
  out.on('data', (c: Buffer) => (terminal += c.toString()));
  const sup = new Supervisor({ logDir: path.join(dir, 'logs'), runDir: path.join(dir, 'run'), logger: silentLogger(), clock, out, echo: true });
  const counter = path.join(dir, 'count');
  // Each run appends a line; the first run crashes, later runs stay up.
  const script = `const fs=require('fs');fs.appendFileSync(${JSON.stringify(counter)},'x');const n=fs.readFileSync(${JSON.stringify(counter)},'utf8').length;console.log('run '+n);if(n===1)process.exit(3);setInterval(()=>{},1000);`;
  try {
    await sup.start({ name: 'demo', command: process.execPath, args: ['-e', script] }, new AbortController().signal);
    await until(() => /exited \(code 3\); restarting in 1s/.test(terminal), 'restart announced');
    assert.equal(sup.restarts('demo'), 1);
    const first = sup.pid('demo');
    clock.advance(1000);
    await until(() => sup.pid('demo') !== first && /\[demo\] run 2/.test(terminal), 'relaunched after the back-off');
    assert.equal(fs.readFileSync(path.join(dir, 'run', 'demo.pid'), 'utf8'), String(sup.pid('demo')));
    await until(() => /run 1\n[^]*run 2\n/.test(fs.readFileSync(path.join(dir, 'logs', 'demo.log'), 'utf8')), 'both runs in the log file');
    await sup.stopAll();
    assert.ok(!fs.existsSync(path.join(dir, 'run', 'demo.pid')));
    assert.doesNotMatch(terminal, /restarting in 2s/);
  } finally {
    await sup.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
