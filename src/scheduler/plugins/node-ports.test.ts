import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerPort } from '../../api/types/core.js';
import { frameworkFor, filterAll } from '../testing/harness.js';
import { makeNode, makePod, snapshot } from '../testing/fixtures.js';
import { ERR_REASON_NODE_PORTS as NO } from './node-ports.js';

const withPorts = (name: string, ports: ContainerPort[], nodeName?: string) => makePod(name, { containers: [{ name: 'c', ports }], ...(nodeName ? { nodeName } : {}) });

test('NodePorts: host port conflicts by protocol, port and IP (0.0.0.0 conflicts with all)', () => {
  const snap = snapshot([
    [makeNode('any'), [withPorts('x', [{ containerPort: 80, hostPort: 8080 }])]],
    [makeNode('ip'), [withPorts('y', [{ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }])]],
    [makeNode('udp'), [withPorts('z', [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }])]],
  ]);
  const fw = frameworkFor(snap, { plugins: [{ name: 'NodePorts' }] });
  const cases: [string, ContainerPort[], Record<string, string>][] = [
    ['no host port', [{ containerPort: 8080 }], { any: 'ok', ip: 'ok', udp: 'ok' }],
    ['tcp 8080 any ip', [{ containerPort: 1, hostPort: 8080 }], { any: NO, ip: NO, udp: 'ok' }],
    ['tcp 8080 other ip', [{ containerPort: 1, hostPort: 8080, hostIP: '10.0.0.2' }], { any: NO, ip: 'ok', udp: 'ok' }],
    ['udp 8080', [{ containerPort: 1, hostPort: 8080, protocol: 'UDP' }], { any: 'ok', ip: 'ok', udp: NO }],
    ['other port', [{ containerPort: 1, hostPort: 9090 }], { any: 'ok', ip: 'ok', udp: 'ok' }],
  ];
  for (const [name, ports, want] of cases) assert.deepEqual(filterAll(fw, withPorts('p', ports), snap), want, name);
});
