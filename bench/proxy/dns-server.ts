// Bench helper: a DNS server on 127.0.0.1 answering for N services (argv[2], default 10000);
// prints its port on stdout, then serves until killed.
import type { Service } from '../../src/api/types/core.js';
import { DnsServer } from '../../src/dns/server.js';
import { buildClusterState } from '../../src/dns/state.js';
import { silentLogger } from '../../src/util/logger.js';

const n = Number(process.argv[2] ?? 10000);
const services: Service[] = Array.from({ length: n }, (_, i) => ({
  metadata: { namespace: `ns${i % 50}`, name: `svc${i}` },
  spec: { clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80 }] },
}));
const state = buildClusterState(services, []);
const server = new DnsServer({ listen: '127.0.0.1:0', answer: { domain: 'cluster.local' }, state: { current: () => state }, logger: silentLogger() });
server.start().then((a) => process.stdout.write(`${a.port}\n`));
