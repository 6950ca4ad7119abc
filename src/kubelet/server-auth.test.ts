import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import type { KubeObject } from '../api/types/index.js';
import type { Clientset } from '../client/interfaces.js';
import { FakeClock } from '../util/clock.js';
import { DelegatingKubeletAuthenticator, kubeletAttributes } from './server-auth.js';

/** A clientset whose only capability is TokenReview, answering from a table and counting calls. */
function reviewer(users: Record<string, { username: string; groups: string[] }>, fail = false) {
  const calls: string[] = [];
  const clientset = {
    resource: () => ({
      create: async (_ns: string | undefined, obj: KubeObject & { spec?: { token?: string } }) => {
        calls.push(obj.spec!.token!);
        if (fail) throw new Error('connection refused');
        const u = users[obj.spec!.token!];
        return { ...obj, status: u ? { authenticated: true, user: u } : { user: {}, error: 'invalid bearer token' } };
      },
    }),
  } as unknown as Clientset;
  return { clientset, calls };
}

const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, socket: {} }) as unknown as IncomingMessage;

test('bearer tokens: reviewed once, cached (accepted 2 min, refused 10 s), never without a credential', async () => {
  const clock = new FakeClock(0);
  const { clientset, calls } = reviewer({ good: { username: 'system:serviceaccount:ns:sa', groups: ['system:serviceaccounts'] } });
  const a = new DelegatingKubeletAuthenticator({ clientset, clock });
  const table: [string, string | undefined, string | undefined, number][] = [
    // step, Authorization header, user, TokenReview calls so far
    ['no credential', undefined, undefined, 0],
    ['not a bearer credential', 'Basic eDp5', undefined, 0],
    ['good token', 'Bearer good', 'system:serviceaccount:ns:sa', 1],
    ['good token again (cached)', 'Bearer good', 'system:serviceaccount:ns:sa', 1],
    ['bad token', 'Bearer bad', undefined, 2],
    ['bad token again (cached)', 'Bearer bad', undefined, 2],
  ];
  for (const [step, header, user, n] of table) {
    assert.equal((await a.authenticate(request(header)))?.username, user, step);
    assert.equal(calls.length, n, `${step}: calls`);
  }
  clock.advance(11_000);
  await a.authenticate(request('Bearer bad'));
  await a.authenticate(request('Bearer good'));
  assert.deepEqual(calls.slice(2), ['bad'], 'a refusal expires after 10 s, an acceptance does not');
  clock.advance(120_000);
  await a.authenticate(request('Bearer good'));
  assert.deepEqual(calls.slice(3), ['good'], 'an acceptance expires after 2 min');
});

test('an unreachable apiserver means 401, not cached', async () => {
  const { clientset, calls } = reviewer({}, true);
  const a = new DelegatingKubeletAuthenticator({ clientset, clock: new FakeClock(0) });
  assert.equal(await a.authenticate(request('Bearer x')), undefined);
  assert.equal(await a.authenticate(request('Bearer x')), undefined);
  assert.equal(calls.length, 2);
});

test('paths map to nodes subresources', () => {
  const cases: [string, string, string, string][] = [
    ['GET', '/stats/summary', 'get', 'stats'],
    ['GET', '/metrics/cadvisor', 'get', 'metrics'],
    ['GET', '/logs/', 'get', 'log'],
    ['POST', '/exec/ns/p/c', 'create', 'proxy'],
    ['GET', '/pods', 'get', 'proxy'],
  ];
  for (const [m, p, verb, subresource] of cases) assert.deepEqual(kubeletAttributes(m, p), { verb, subresource }, `${m} ${p}`);
});
