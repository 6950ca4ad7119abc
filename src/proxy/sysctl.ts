// Kernel settings the proxy needs: forwarding, bridged traffic through iptables, and
// route_localnet so NodePorts answer on 127.0.0.1.
import type { CommandRunner } from './exec.js';
import type { Logger } from '../util/logger.js';

/** The sysctls set at start, as upstream kube-proxy does. */
export const PROXY_SYSCTLS: Record<string, string> = {
  'net.ipv4.ip_forward': '1',
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.ipv4.conf.all.route_localnet': '1',
};

/** Sets each sysctl with `sysctl -w`; a failure is logged, not fatal (e.g. no br_netfilter). */
export async function ensureSysctls(runner: CommandRunner, logger: Logger, values: Record<string, string> = PROXY_SYSCTLS): Promise<void> {
  for (const [k, v] of Object.entries(values)) {
    const r = await runner.run('sysctl', ['-w', `${k}=${v}`]);
    if (r.code !== 0) logger.warn({ sysctl: k, stderr: r.stderr.trim() }, 'could not set sysctl');
  }
}
