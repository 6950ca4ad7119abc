// Facts about this host's network identity.
import os from 'node:os';

/** Non-loopback IPv4 addresses of this host, in interface order. */
export function hostIPv4s(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/** First non-loopback IPv4 address, or 127.0.0.1 when there is none. */
export function hostAddress(): string {
  return hostIPv4s()[0] ?? '127.0.0.1';
}
