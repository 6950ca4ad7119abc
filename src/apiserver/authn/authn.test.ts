import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { parseTokenFile, splitCsvLine, TokenFileAuthenticator } from './token-file.js';
import { UnionAuthenticator } from './union.js';

const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, socket: {} }) as unknown as IncomingMessage;

test('token file: upstream CSV with quoted groups, comments, blank lines', () => {
  const users = parseTokenFile('# comment\n\nt1,alice,uid-1,"dev,ops"\nt2,bob,uid-2\nt3,carol,,admins\n');
  assert.deepEqual(users.get('t1'), { username: 'alice', uid: 'uid-1', groups: ['dev', 'ops'] });
  assert.deepEqual(users.get('t2'), { username: 'bob', uid: 'uid-2', groups: [] });
  assert.deepEqual(users.get('t3'), { username: 'carol', uid: undefined, groups: ['admins'] });
  assert.deepEqual(splitCsvLine('a,"b ""q"", c",d'), ['a', 'b "q", c', 'd']);
  assert.throws(() => parseTokenFile('t1,alice'), /line 1/);
  assert.throws(() => parseTokenFile('t1,a,1\nt1,b,2'), /line 2: duplicate/);
  assert.throws(() => parseTokenFile('t1,"a,1'), /unterminated/);
});

test('union: first match wins and joins system:authenticated; bad credential is 401; anonymous only without one', async () => {
  const tokens = new TokenFileAuthenticator(parseTokenFile('t1,alice,1,dev\n'));
  const on = new UnionAuthenticator({ authenticators: [tokens], anonymous: true });
  const off = new UnionAuthenticator({ authenticators: [tokens], anonymous: false });
  assert.deepEqual((await off.authenticate(req('Bearer t1')))?.groups, ['dev', 'system:authenticated']);
  assert.equal(await on.authenticate(req('Bearer nope')), undefined);
  assert.equal(await off.authenticate(req()), undefined);
  assert.deepEqual(await on.authenticate(req()), { username: 'system:anonymous', groups: ['system:unauthenticated'] });
  assert.equal(await off.authenticate(req('Basic eDp5')), undefined);
});

test('static tokens as a TokenReview reviewer: valid for the apiserver audiences only', async () => {
  const r = new TokenFileAuthenticator(parseTokenFile('t1,carol,uid-c,"g1"\n')).reviewer(['api', 'other']);
  const cases: [string, string | undefined, string[] | undefined, unknown][] = [
    ['unknown token', 'nope', undefined, undefined],
    ['no audiences: the apiserver ones', 't1', undefined, { user: { username: 'carol', uid: 'uid-c', groups: ['g1'] }, audiences: ['api', 'other'] }],
    ['a shared audience', 't1', ['api', 'vault'], { user: { username: 'carol', uid: 'uid-c', groups: ['g1'] }, audiences: ['api'] }],
    ['no shared audience', 't1', ['vault'], { error: 'token audiences ["api","other"] is invalid for the target audiences ["vault"]' }],
  ];
  for (const [name, token, aud, want] of cases) assert.deepEqual(await r.authenticateToken(token!, aud), want, name);
});
