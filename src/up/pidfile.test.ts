import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimPidFile, pidFileVerdict } from './pidfile.js';

test('pidFileVerdict', () => {
  const alive = (pid: number) => pid === 42;
  const cases: { name: string; content: string | undefined; want: ReturnType<typeof pidFileVerdict> }[] = [
    { name: 'no file', content: undefined, want: { take: true } },
    { name: 'garbage', content: 'x', want: { take: true } },
    { name: 'dead owner', content: '7', want: { take: true } },
    { name: 'ourselves', content: '100', want: { take: true } },
    { name: 'live owner', content: '42\n', want: { take: false, pid: 42 } },
  ];
  for (const c of cases) assert.deepEqual(pidFileVerdict(c.content, 100, alive), c.want, c.name);
});

test('claimPidFile refuses a live owner and takes over a stale file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-pidfile-'));
  try {
    const file = path.join(dir, 'up.pid');
    assert.equal(claimPidFile(file, 10, () => false), undefined);
    assert.equal(fs.readFileSync(file, 'utf8'), '10');
    assert.equal(claimPidFile(file, 11, (p) => p === 10), 10);
    assert.equal(fs.readFileSync(file, 'utf8'), '10');
    assert.equal(claimPidFile(file, 12, () => false), undefined);
    assert.equal(fs.readFileSync(file, 'utf8'), '12');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
