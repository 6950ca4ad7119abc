// The kubelet's exec/attach/portForward endpoints in upstream's "proxy" mode: ask the runtime
// (CRI Exec/Attach/PortForward) for a one-time streaming URL and proxy the client's upgrade
// request to it; the runtime's streaming server speaks SPDY (and its websocket protocols) itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../api/types/index.js';
import type { Logger } from '../util/logger.js';
import { isUpgradeRequest, proxyUpgrade, UpgradeDialError } from '../util/upgrade-proxy.js';
import type { RuntimeService } from './cri/runtime-service.js';
import { latestContainer, type RuntimePod } from './runtime-state.js';
import { parseStreamRequest, StreamRequestError, type StreamRequest } from './stream-request.js';

/** What serving a stream needs from the kubelet. */
export interface StreamDeps {
  /** The pod this kubelet runs under "namespace/name". */
  podFor(key: string): Pod | undefined;
  runtimePod(pod: Pod): Promise<RuntimePod>;
  runtime: RuntimeService;
  logger: Logger;
}

function answer(res: ServerResponse, code: number, msg: string): void {
  res.statusCode = code;
  res.setHeader('Content-Type', 'text/plain');
  res.end(msg);
}

/** The parsed streaming request for `url`; answers 400 itself (and returns undefined) when malformed. */
export function parseStreamRequestOr400(url: URL, res: ServerResponse): StreamRequest | undefined {
  try {
    return parseStreamRequest(url.pathname, url.searchParams);
  } catch (err) {
    if (!(err instanceof StreamRequestError)) throw err;
    answer(res, 400, err.message);
    return undefined;
  }
}

/**
 * 1. require an upgrade request; 2. find the pod (404) and its running container or ready
 * sandbox (400 when there is none); 3. ask the runtime for the streaming URL; 4. proxy.
 */
export async function serveStream(req: IncomingMessage, res: ServerResponse, s: StreamRequest, d: StreamDeps): Promise<void> {
  if (!isUpgradeRequest(req)) return answer(res, 400, 'Upgrade request required');
  const pod = d.podFor(`${s.namespace}/${s.pod}`);
  if (!pod || (s.uid && pod.metadata.uid !== s.uid)) return answer(res, 404, `pod ${s.namespace}/${s.pod} not found`);
  const rp = await d.runtimePod(pod);
  let target: string;
  if (s.kind === 'portforward') {
    const sandbox = rp.sandboxes.find((x) => x.state === 'SANDBOX_READY');
    if (!sandbox) return answer(res, 400, `pod ${s.pod} has no running sandbox`);
    target = await d.runtime.portForward(sandbox.id, s.ports);
  } else {
    const c = latestContainer(rp, s.container);
    if (!c || c.state !== 'CONTAINER_RUNNING') return answer(res, 400, `container ${s.container} is not running in pod ${s.pod}`);
    target = s.kind === 'exec' ? await d.runtime.exec(c.id, s.command, s.streams) : await d.runtime.attach(c.id, s.streams);
  }
  d.logger.debug({ kind: s.kind, pod: `${s.namespace}/${s.pod}` }, 'proxying a stream to the runtime');
  try {
    await proxyUpgrade(req, res, { url: new URL(target) });
  } catch (err) {
    if (!(err instanceof UpgradeDialError)) throw err;
    answer(res, 502, err.message);
  }
}
