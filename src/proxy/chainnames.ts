// Hashed chain names as the upstream kube-proxy forms them, so operators recognise them:
// prefix + the first 16 characters of base32(sha256(servicePortName + protocol [+ endpoint])).
import { createHash } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Standard (RFC 4648) base32 with padding, as Go's base32.StdEncoding. */
export function base32(buf: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function hash16(s: string): string {
  return base32(createHash('sha256').update(s).digest()).slice(0, 16);
}

/** Cluster-policy chain of a service port: KUBE-SVC-<hash16>. `protocol` is lower-case ("tcp"). */
export function svcChain(servicePortName: string, protocol: string): string {
  return `KUBE-SVC-${hash16(servicePortName + protocol)}`;
}

/** Local-policy chain (endpoints on this node only): KUBE-SVL-<hash16>. */
export function svlChain(servicePortName: string, protocol: string): string {
  return `KUBE-SVL-${hash16(servicePortName + protocol)}`;
}

/** External-traffic chain (NodePort, externalIPs): KUBE-EXT-<hash16>. */
export function extChain(servicePortName: string, protocol: string): string {
  return `KUBE-EXT-${hash16(servicePortName + protocol)}`;
}

/** Per-endpoint chain: KUBE-SEP-<hash16> of servicePortName + protocol + "ip:port". */
export function sepChain(servicePortName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${hash16(servicePortName + protocol + endpoint)}`;
}

/** Prefixes of the per-service chains this proxy creates and may delete. */
export const PER_SERVICE_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-SEP-', 'KUBE-FW-'] as const;

/** True for a chain name this proxy generates per service or endpoint. */
export function isPerServiceChain(name: string): boolean {
  return PER_SERVICE_PREFIXES.some((p) => name.startsWith(p));
}
