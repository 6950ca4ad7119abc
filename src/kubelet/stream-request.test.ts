import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStreamRequest, StreamRequestError } from './stream-request.js';

const parse = (path: string, q = '') => parseStreamRequest(path, new URLSearchParams(q));

test('parseStreamRequest reads the upstream kubelet endpoints', () => {
  assert.deepEqual(parse('/exec/ns/p/c', 'command=sh&command=-c&command=id&output=1&error=1'), {
    kind: 'exec', namespace: 'ns', pod: 'p', uid: undefined, container: 'c', command: ['sh', '-c', 'id'], streams: { stdin: false, stdout: true, stderr: true, tty: false },
  });
  assert.deepEqual(parse('/exec/ns/p/uid-1/c', 'command=ls&input=1&output=1&error=1&tty=1'), {
    kind: 'exec', namespace: 'ns', pod: 'p', uid: 'uid-1', container: 'c', command: ['ls'], streams: { stdin: true, stdout: true, stderr: false, tty: true },
  });
  assert.deepEqual(parse('/attach/ns/p/c', 'stdin=true&stdout=true'), {
    kind: 'attach', namespace: 'ns', pod: 'p', uid: undefined, container: 'c', streams: { stdin: true, stdout: true, stderr: false, tty: false },
  });
  assert.deepEqual(parse('/portForward/ns/p', 'port=80&port=8080'), { kind: 'portforward', namespace: 'ns', pod: 'p', uid: undefined, ports: [80, 8080] });
  assert.deepEqual(parse('/portForward/ns/p/uid-1'), { kind: 'portforward', namespace: 'ns', pod: 'p', uid: 'uid-1', ports: [] });
});

test('parseStreamRequest leaves other paths alone', () => {
  for (const p of ['/containerLogs/ns/p/c', '/exec/ns', '/exec/ns/p', '/exec/a/b/c/d/e', '/portForward/ns', '/pods', '/']) assert.equal(parse(p, 'command=ls&output=1'), undefined, p);
});

test('parseStreamRequest refuses malformed streaming requests', () => {
  const cases: [string, string, RegExp][] = [
    ['/exec/ns/p/c', 'output=1', /at least 1 command/],
    ['/exec/ns/p/c', 'command=ls', /at least 1 of stdin, stdout, stderr/],
    ['/attach/ns/p/c', 'tty=1', /at least 1 of stdin, stdout, stderr/],
    ['/portForward/ns/p', 'port=70000', /invalid port "70000"/],
    ['/portForward/ns/p', 'port=x', /invalid port "x"/],
  ];
  for (const [p, q, msg] of cases) assert.throws(() => parse(p, q), (e: unknown) => e instanceof StreamRequestError && msg.test(e.message), `${p}?${q}`);
});
