// `kubets certs --dir D [--node-name N --node-ip IP[,IP] --service-cluster-ip-range CIDR --apiserver-cert-extra-sans a,b]`:
// writes the cluster PKI (idempotent: existing valid certificates are kept).
import os from 'node:os';
import { intToIp, parseCidr } from '../apiserver/allocator/cidr.js';
import { ensurePki } from '../pki/store.js';
import { flagOptional, flagString, parseFlags } from '../util/flags.js';
import { hostIPv4s } from '../util/host.js';

const KNOWN = ['dir', 'node-name', 'node-ip', 'hostname', 'service-cluster-ip-range', 'cluster-domain', 'apiserver-cert-extra-sans'];

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: KNOWN });
  const dir = flagOptional(f, 'dir');
  if (!dir) {
    process.stderr.write('kubets certs: --dir is required\n');
    return 2;
  }
  const hostname = flagString(f, 'hostname', os.hostname());
  const cidr = parseCidr(flagString(f, 'service-cluster-ip-range', '10.96.0.0/12'));
  const nodeIPs = list(flagOptional(f, 'node-ip'));
  const res = await ensurePki(dir, {
    nodeName: flagString(f, 'node-name', hostname.toLowerCase()),
    nodeIPs: nodeIPs.length > 0 ? nodeIPs : hostIPv4s(),
    hostname,
    serviceIP: intToIp(cidr.base + 1),
    clusterDomain: flagString(f, 'cluster-domain', 'cluster.local'),
    extraSANs: list(flagOptional(f, 'apiserver-cert-extra-sans')),
  });
  process.stdout.write(res.issued.length ? `issued: ${res.issued.join(', ')}\n` : 'all certificates present and valid\n');
  process.stdout.write(`PKI in ${res.dir}\n`);
  return 0;
}
