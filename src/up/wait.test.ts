import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/types/index.js';
import { freshlyReady } from './wait.js';

test('freshlyReady: Ready True with a heartbeat since the start (whole seconds)', () => {
  const node = (status: string, hb: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status, lastHeartbeatTime: hb }] } } as Node);
  const since = Date.parse('2026-01-01T10:00:00.700Z');
  const cases: { name: string; n: Node | undefined; want: boolean }[] = [
    { name: 'fresh', n: node('True', '2026-01-01T10:00:05Z'), want: true },
    { name: 'same second', n: node('True', '2026-01-01T10:00:00Z'), want: true },
    { name: 'stale from an earlier run', n: node('True', '2026-01-01T09:59:59Z'), want: false },
    { name: 'not ready', n: node('False', '2026-01-01T10:00:05Z'), want: false },
    { name: 'no node', n: undefined, want: false },
  ];
  for (const c of cases) assert.equal(freshlyReady(c.n, since), c.want, c.name);
});
