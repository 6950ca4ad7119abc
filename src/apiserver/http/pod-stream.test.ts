import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types/index.js';
import { StatusError } from '../errors.js';
import type { AuthzAttributes } from '../authz/rules.js';
import { kubeletStreamPath, streamCreateAttributes } from './pod-stream.js';

const pod = (over: Partial<Pod['spec']> = {}, phase = 'Running'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }], ...over }, status: { phase },
}) as Pod;

test('kubeletStreamPath maps the apiserver query to upstream kubelet parameters', () => {
  const cases: [string, Pod, string, string][] = [
    ['exec with stdout and stderr', pod(), 'exec', 'command=sh&command=-c&command=echo+hi&stdout=true&stderr=true'],
    ['exec with stdin and tty drops stderr', pod(), 'exec', 'command=sh&stdin=true&stdout=true&stderr=true&tty=true'],
    ['attach names the container', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }), 'attach', 'container=b&stdout=true'],
    ['exec into an ephemeral container', pod({ ephemeralContainers: [{ name: 'dbg', image: 'x' }] }), 'exec', 'container=dbg&command=ls&stdout=true'],
    ['portforward with ports', pod(), 'portforward', 'ports=80&ports=8080'],
    ['portforward without ports', pod(), 'portforward', ''],
  ];
  const want = [
    '/exec/ns/p/c?command=sh&command=-c&command=echo+hi&output=1&error=1',
    '/exec/ns/p/c?command=sh&input=1&output=1&tty=1',
    '/attach/ns/p/b?output=1',
    '/exec/ns/p/dbg?command=ls&output=1',
    '/portForward/ns/p?port=80&port=8080',
    '/portForward/ns/p',
  ];
  cases.forEach(([name, p, sub, q], i) => assert.equal(kubeletStreamPath(p, sub, new URLSearchParams(q)), want[i], name));
});

test('kubeletStreamPath refuses what the kubelet could not serve with 400', () => {
  const cases: [string, Pod, string, string, RegExp][] = [
    ['no command', pod(), 'exec', 'stdout=true', /at least 1 command/],
    ['no stream', pod(), 'exec', 'command=ls', /at least 1 of stdin, stdout, stderr/],
    ['unknown container', pod(), 'exec', 'container=nope&command=ls&stdout=true', /container nope is not valid for pod p/],
    ['ambiguous container', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }), 'attach', 'stdout=true', /a container name must be specified for pod p, choose one of: \[a b\]/],
    ['completed pod', pod({}, 'Succeeded'), 'exec', 'command=ls&stdout=true', /cannot exec into a container in a completed pod; current phase is Succeeded/],
    ['bad port', pod(), 'portforward', 'ports=0', /invalid port "0"/],
    ['port not a number', pod(), 'portforward', 'ports=http', /invalid port "http"/],
  ];
  for (const [name, p, sub, q, msg] of cases) {
    assert.throws(() => kubeletStreamPath(p, sub, new URLSearchParams(q)), (e: unknown) => e instanceof StatusError && e.code === 400 && msg.test(e.message), name);
  }
});

test('streamCreateAttributes asks for create on a GET of a streaming subresource only', () => {
  const a = (verb: string, resource: string, subresource?: string, apiGroup = ''): AuthzAttributes => ({ verb, isResourceRequest: true, path: '/x', apiGroup, resource, subresource, namespace: 'ns', name: 'p' });
  assert.deepEqual(streamCreateAttributes(a('get', 'pods', 'exec')), a('create', 'pods', 'exec'));
  assert.deepEqual(streamCreateAttributes(a('get', 'pods', 'portforward')), a('create', 'pods', 'portforward'));
  assert.equal(streamCreateAttributes(a('create', 'pods', 'exec')), undefined);
  assert.equal(streamCreateAttributes(a('get', 'pods', 'log')), undefined);
  assert.equal(streamCreateAttributes(a('get', 'pods')), undefined);
  assert.equal(streamCreateAttributes(a('get', 'widgets', 'exec', 'example.com')), undefined);
});
