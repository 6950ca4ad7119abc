import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Case, errorsAfter } from './testdata.js';

const services: Case[] = [
  { name: 'ports required', mutate: (s) => (s.spec.ports = []), want: ['spec.ports: Required value'] },
  { name: 'headless needs no ports', mutate: (s) => ((s.spec.ports = []), (s.spec.clusterIP = 'None')), want: [] },
  { name: 'port range', mutate: (s) => (s.spec.ports[0].port = 0), want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
  { name: 'targetPort range', mutate: (s) => (s.spec.ports[1].targetPort = 70000), want: ['spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
  { name: 'port names required when several', mutate: (s) => delete s.spec.ports[1].name, want: ['spec.ports[1].name: Required value'] },
  { name: 'port names unique', mutate: (s) => (s.spec.ports[1].name = 'http'), want: ['spec.ports[1].name: Duplicate value: "http"'] },
  { name: 'protocol', mutate: (s) => (s.spec.ports[0].protocol = 'ICMP'), want: ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'] },
  { name: 'type', mutate: (s) => (s.spec.type = 'Magic'), want: ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
  { name: 'nodePort on ClusterIP', mutate: (s) => (s.spec.ports[0].nodePort = 30080), want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
  { name: 'externalName required', mutate: (s) => ((s.spec = { type: 'ExternalName', sessionAffinity: 'None' })), want: ['spec.externalName: Required value'] },
  { name: 'externalName ok', mutate: (s) => ((s.spec = { type: 'ExternalName', externalName: 'db.example.com.', sessionAffinity: 'None' })), want: [] },
  { name: 'sessionAffinity', mutate: (s) => (s.spec.sessionAffinity = 'Sticky'), want: ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'] },
  { name: 'clusterIP syntax', mutate: (s) => (s.spec.clusterIP = '10.0.0.300'), want: ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be empty, \'None\', or a valid IP address'] },
  { name: 'clusterIP immutable', mutate: (s) => (s.spec.clusterIP = '10.96.0.10'), update: (s) => (s.spec.clusterIP = '10.96.0.11'), want: ['spec.clusterIPs[0]: Invalid value: "10.96.0.11": may not change once set'] },
  { name: 'clusterIP may change to ExternalName', mutate: (s) => (s.spec.clusterIP = '10.96.0.10'), update: (s) => (s.spec = { type: 'ExternalName', externalName: 'x.example.com', sessionAffinity: 'None' }), want: [] },
  { name: 'clusterIP kept', mutate: (s) => (s.spec.clusterIP = '10.96.0.10'), update: (s) => (s.metadata.labels = { a: 'b' }), want: [] },
];

test('service rules', async () => {
  for (const c of services) assert.deepEqual(await errorsAfter('services', c.mutate, c.update), c.want, c.name);
});

const endpoints: Case[] = [
  { name: 'bad ip', mutate: (e) => (e.subsets[0].addresses[0].ip = 'x'), want: ['subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address'] },
  { name: 'port names when several', mutate: (e) => delete e.subsets[0].ports[0].name, want: ['subsets[0].ports[0].name: Required value'] },
];

test('endpoints rules', async () => {
  for (const c of endpoints) assert.deepEqual(await errorsAfter('endpoints', c.mutate, c.update), c.want, c.name);
});
