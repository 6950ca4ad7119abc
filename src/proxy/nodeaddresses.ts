// The node's IPv4 addresses for NodePorts: from the Node object, else from local interfaces.
import { networkInterfaces } from 'node:os';
import type { Node } from '../api/types/core.js';
import { isIPv4 } from './model.js';

/** InternalIP/ExternalIP addresses of a Node object (IPv4 only). */
export function addressesOfNode(n: Node | undefined): string[] {
  return (n?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address).filter(isIPv4);
}

/** Non-internal IPv4 addresses of this host's interfaces. */
export function localInterfaceAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  return out;
}
