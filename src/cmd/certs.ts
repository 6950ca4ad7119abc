// `kubets certs --dir D [--node-name N --node-ip IP[,IP] --service-cluster-ip-range CIDR --apiserver-cert-extra-sans a,b]`:
// writes the cluster PKI (idempotent: existing valid certificates are kept).
// `kubets certs node --node-name W --node-ip IP[,IP] --server https://ADVERTISE:6443 --out DIR [--dir PKI]`:
// on the server, issues a joining worker's credentials from the cluster CA into DIR (copy it to
// the worker and run `kubets install --role worker --join-dir DIR` there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intToIp, parseCidr } from '../apiserver/allocator/cidr.js';
import { ensurePki } from '../pki/store.js';
import { issueNodeBundle } from '../pki/node-bundle.js';
import { flagOptional, flagString, parseFlags } from '../util/flags.js';
import { hostAddress, hostIPv4s } from '../util/host.js';

const KNOWN = ['dir', 'node-name', 'node-ip', 'hostname', 'service-cluster-ip-range', 'cluster-domain', 'apiserver-cert-extra-sans'];

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** `certs node`: 1. read the cluster CA; 2. issue the bundle; 3. write it (keys 0600, dir 0700). */
async function node(argv: string[]): Promise<number> {
  const f = parseFlags(argv, { known: ['dir', 'node-name', 'node-ip', 'server', 'out'] });
  const nodeName = flagOptional(f, 'node-name');
  const nodeIPs = list(flagOptional(f, 'node-ip'));
  const out = flagOptional(f, 'out');
  if (!nodeName || nodeIPs.length === 0 || !out) {
    process.stderr.write('kubets certs node: --node-name, --node-ip (the worker\'s address) and --out are required\n');
    return 2;
  }
  const dir = path.resolve(flagString(f, 'dir', '/var/lib/kubets/pki'));
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      throw new Error(`no cluster CA in ${dir} (${name}); run this on the server, with --dir <state-dir>/pki`);
    }
  };
  const server = flagString(f, 'server', `https://${hostAddress()}:6443`);
  const files = await issueNodeBundle({ certPem: read('ca.crt'), keyPem: read('ca.key') }, { nodeName: nodeName.toLowerCase(), nodeIPs, server });
  fs.mkdirSync(out, { recursive: true, mode: 0o700 });
  for (const file of files) {
    fs.writeFileSync(path.join(out, file.name), file.content, { mode: file.mode });
    fs.chmodSync(path.join(out, file.name), file.mode);
  }
  process.stdout.write(`wrote the credentials of node ${nodeName} (kubelet: system:node:${nodeName}, proxy: system:kube-proxy; server ${server}) to ${path.resolve(out)}\n`);
  process.stdout.write(`Copy that directory to the worker, then there:\n  kubets install --role worker --join-dir ${path.resolve(out)} --node-ip ${nodeIPs[0]}\n`);
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'node') return node(argv.slice(1));
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
