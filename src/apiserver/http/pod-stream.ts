// pods/exec, pods/attach and pods/portforward: validate the request against the pod, then proxy
// the client's upgrade (SPDY/3.1 or websocket) to the kubelet of the pod's node with the
// apiserver's kubelet client certificate. Whatever the kubelet answers other than 101 goes back
// to the client as is, and that backend connection is closed (see util/upgrade-proxy.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../api/types/index.js';
import type { Logger } from '../../util/logger.js';
import { isUpgradeRequest, proxyUpgrade, upgradeSocket, UpgradeDialError } from '../../util/upgrade-proxy.js';
import type { AuthzAttributes } from '../authz/rules.js';
import { errors } from '../errors.js';
import { kubeletAddress, podContainer, type NodeGetter } from './kubelet-location.js';

/** The pod subresources that stream. */
export const STREAM_SUBRESOURCES: ReadonlySet<string> = new Set(['exec', 'attach', 'portforward']);

/**
 * A websocket upgrade arrives as GET; opening a stream into a pod must still need `create` on
 * the subresource (upstream's AuthorizePodWebsocketUpgradeCreatePermission), so a GET on a
 * streaming subresource is authorized a second time with verb create. Undefined otherwise.
 */
export function streamCreateAttributes(a: AuthzAttributes): AuthzAttributes | undefined {
  return a.isResourceRequest && a.verb === 'get' && a.apiGroup === '' && a.resource === 'pods' && STREAM_SUBRESOURCES.has(a.subresource ?? '') ? { ...a, verb: 'create' } : undefined;
}

const truthy = (v: string | null) => v === 'true' || v === '1';

/**
 * The kubelet path (with query) for a streaming subresource of `pod`, as upstream's
 * ExecLocation/AttachLocation/PortForwardLocation build it; throws 400 Status errors for a
 * request the kubelet could not serve (no command, no stream, unknown container, completed pod,
 * bad port).
 */
export function kubeletStreamPath(pod: Pod, subresource: string, q: URLSearchParams): string {
  const ns = encodeURIComponent(pod.metadata.namespace!);
  const name = encodeURIComponent(pod.metadata.name!);
  const params = new URLSearchParams();
  if (subresource === 'portforward') {
    for (const p of q.getAll('ports').flatMap((v) => v.split(','))) {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw errors.badRequest(`invalid port ${JSON.stringify(p)}: must be in the range 1 to 65535`);
      params.append('port', String(n));
    }
    const query = params.toString();
    return `/portForward/${ns}/${name}${query ? `?${query}` : ''}`;
  }
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw errors.badRequest(`cannot ${subresource} into a container in a completed pod; current phase is ${phase}`);
  const container = podContainer(pod, q.get('container'), true);
  const tty = truthy(q.get('tty'));
  const stdin = truthy(q.get('stdin'));
  const stdout = truthy(q.get('stdout'));
  const stderr = truthy(q.get('stderr')) && !tty;
  if (!stdin && !stdout && !truthy(q.get('stderr'))) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (subresource === 'exec') {
    const command = q.getAll('command');
    if (command.length === 0) throw errors.badRequest('you must specify at least 1 command');
    for (const c of command) params.append('command', c);
  }
  if (stdin) params.set('input', '1');
  if (stdout) params.set('output', '1');
  if (stderr) params.set('error', '1');
  if (tty) params.set('tty', '1');
  return `/${subresource}/${ns}/${name}/${encodeURIComponent(container)}?${params}`;
}

export interface PodStreamProxyOptions {
  getNode: NodeGetter;
  logger: Logger;
  /** TLS material for talking to kubelets; plain HTTP when absent. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export class PodStreamProxy {
  constructor(private readonly o: PodStreamProxyOptions) {}

  /** 1. require an upgrade; 2. validate and build the kubelet path; 3. locate the kubelet; 4. proxy. */
  async serve(req: IncomingMessage, res: ServerResponse, pod: Pod, subresource: string, q: URLSearchParams): Promise<void> {
    if (!isUpgradeRequest(req) || !upgradeSocket(req)) throw errors.badRequest('Upgrade request required');
    const path = kubeletStreamPath(pod, subresource, q);
    const { ip, port } = await kubeletAddress(this.o.getNode, pod);
    const url = new URL(`${this.o.tls ? 'https' : 'http'}://${ip.includes(':') ? `[${ip}]` : ip}:${port}${path}`);
    this.o.logger.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, subresource }, 'proxying a stream to the kubelet');
    try {
      await proxyUpgrade(req, res, { url, tls: this.o.tls });
    } catch (err) {
      if (err instanceof UpgradeDialError) throw errors.internal(`error dialing backend: ${err.message}`);
      throw err;
    }
  }
}
