import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Case, errorsAfter } from './testdata.js';

const keyMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

const configmaps: Case[] = [
  { name: 'bad key', mutate: (c) => (c.data['a/b'] = 'x'), want: [`data[a/b]: Invalid value: "a/b": ${keyMsg}`] },
  { name: 'dot dot key', mutate: (c) => (c.data['..x'] = 'x'), want: ['data[..x]: Invalid value: "..x": must not start with \'..\''] },
  { name: 'too big', mutate: (c) => (c.data.big = 'x'.repeat(1024 * 1024)), want: ['Too long: must have at most 1048576 bytes'] },
  { name: 'immutable honored', mutate: (c) => (c.immutable = true), update: (c) => (c.data.KEY_1 = 'w'), want: ['data: Forbidden: field is immutable when `immutable` is set'] },
  { name: 'immutable may not be unset', mutate: (c) => (c.immutable = true), update: (c) => (c.immutable = false), want: ['immutable: Forbidden: field is immutable when `immutable` is set'] },
  { name: 'mutable update', mutate: () => {}, update: (c) => (c.data.KEY_1 = 'w'), want: [] },
];

test('configmap rules', async () => {
  for (const c of configmaps) assert.deepEqual(await errorsAfter('configmaps', c.mutate, c.update), c.want, c.name);
});

const secrets: Case[] = [
  { name: 'stringData merged by defaulting', mutate: (s) => assert.equal(s.data.password, Buffer.from('hunter2').toString('base64')), want: [] },
  { name: 'bad base64', mutate: (s) => (s.data.user = '!!!'), want: ['data[user]: Invalid value: "<secret contents redacted>": illegal base64 data'] },
  { name: 'tls keys', mutate: (s) => (s.type = 'kubernetes.io/tls'), want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
  { name: 'type immutable', mutate: () => {}, update: (s) => (s.type = 'kubernetes.io/basic-auth'), want: ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable'] },
  { name: 'immutable honored', mutate: (s) => (s.immutable = true), update: (s) => (s.data.user = 'eA=='), want: ['data: Forbidden: field is immutable when `immutable` is set'] },
];

test('secret rules', async () => {
  for (const c of secrets) assert.deepEqual(await errorsAfter('secrets', c.mutate, c.update), c.want, c.name);
});
