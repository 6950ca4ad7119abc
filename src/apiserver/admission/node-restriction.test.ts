import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types/index.js';
import { RESOURCES } from '../registry/resources.js';
import { StatusError } from '../errors.js';
import type { AdmissionAttributes } from './interface.js';
import { NodeRestriction } from './node-restriction.js';

const res = (group: string, resource: string) => RESOURCES.find((r) => r.group === group && r.resource === resource)!;
const nodeA = { username: 'system:node:a', groups: ['system:nodes'] };
const pod = (nodeName: string, mirror = false): KubeObject => ({ metadata: { name: 'p', annotations: mirror ? { 'kubernetes.io/config.mirror': 'x' } : {} }, spec: { nodeName, containers: [] } });

test('NodeRestriction table', () => {
  const plugin = new NodeRestriction();
  const base = (o: Partial<AdmissionAttributes>): AdmissionAttributes => ({ operation: 'CREATE', resource: res('', 'pods'), name: 'p', namespace: 'ns', object: pod('a'), user: nodeA, dryRun: false, ...o });
  const cases: [string, AdmissionAttributes, boolean][] = [
    ['mirror pod for itself', base({ object: pod('a', true) }), true],
    ['mirror pod for another node', base({ object: pod('b', true) }), false],
    ['plain pod', base({}), false],
    ['status of own pod', base({ operation: 'UPDATE', subresource: 'status', oldObject: pod('a') }), true],
    ['status of a pod on b', base({ operation: 'UPDATE', subresource: 'status', oldObject: pod('b') }), false],
    ['delete own pod', base({ operation: 'DELETE', oldObject: pod('a') }), true],
    ['delete pod on b', base({ operation: 'DELETE', oldObject: pod('b') }), false],
    ['update pod spec', base({ operation: 'UPDATE', oldObject: pod('a') }), false],
    ['own node', base({ resource: res('', 'nodes'), name: 'a', namespace: undefined, operation: 'UPDATE' }), true],
    ['other node', base({ resource: res('', 'nodes'), name: 'b', namespace: undefined, operation: 'UPDATE' }), false],
    ['own lease', base({ resource: res('coordination.k8s.io', 'leases'), name: 'a', namespace: 'kube-node-lease' }), true],
    ['other lease', base({ resource: res('coordination.k8s.io', 'leases'), name: 'b', namespace: 'kube-node-lease' }), false],
    ['not a node user', base({ user: { username: 'alice', groups: [] } }), true],
  ];
  for (const [name, attrs, ok] of cases) {
    let allowed = true;
    try {
      plugin.validate(attrs);
    } catch (err) {
      assert.ok(err instanceof StatusError && err.code === 403, name);
      allowed = false;
    }
    assert.equal(allowed, ok, name);
  }
});
