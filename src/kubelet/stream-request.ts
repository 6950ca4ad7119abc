// The kubelet's streaming endpoints as upstream names them: /exec/{ns}/{pod}/{container},
// /attach/{ns}/{pod}/{container} and /portForward/{ns}/{pod} (the pod's uid may follow the pod
// name). Query: command (repeated, exec only), input, output, error, tty as "1"/"true"; port
// (repeated) for port forwarding. Pure parsing and validation.
import type { StreamFlags } from './cri/runtime-service.js';

/** One streaming request, validated. */
export type StreamRequest =
  | { kind: 'exec'; namespace: string; pod: string; uid?: string; container: string; command: string[]; streams: StreamFlags }
  | { kind: 'attach'; namespace: string; pod: string; uid?: string; container: string; streams: StreamFlags }
  | { kind: 'portforward'; namespace: string; pod: string; uid?: string; ports: number[] };

/** A request that names a streaming endpoint but is malformed (answer 400 with the message). */
export class StreamRequestError extends Error {}

const truthy = (v: string | null) => v === '1' || v === 'true';

/** Flags from the upstream kubelet parameter names, falling back to the apiserver's. */
export function streamFlags(q: URLSearchParams): StreamFlags {
  const flag = (kubelet: string, api: string) => truthy(q.get(kubelet)) || truthy(q.get(api));
  return { stdin: flag('input', 'stdin'), stdout: flag('output', 'stdout'), stderr: flag('error', 'stderr'), tty: truthy(q.get('tty')) };
}

/**
 * Parses `path` + `q`; undefined when the path is not a streaming endpoint. Throws
 * StreamRequestError when exec has no command, no stream is requested, or a port is invalid.
 */
export function parseStreamRequest(path: string, q: URLSearchParams): StreamRequest | undefined {
  const segs = path.split('/').slice(1).map(decodeURIComponent);
  const [kind, namespace, pod] = segs;
  if (!namespace || !pod) return undefined;
  if (kind === 'portForward') {
    if (segs.length > 4) return undefined;
    const ports = q.getAll('port').map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StreamRequestError(`invalid port ${JSON.stringify(p)}: must be 1-65535`);
      return n;
    });
    return { kind: 'portforward', namespace, pod, uid: segs[3], ports };
  }
  if (kind !== 'exec' && kind !== 'attach') return undefined;
  // /{kind}/{ns}/{pod}/{container} or /{kind}/{ns}/{pod}/{uid}/{container}
  if (segs.length !== 4 && segs.length !== 5) return undefined;
  const container = segs[segs.length - 1]!;
  const uid = segs.length === 5 ? segs[3] : undefined;
  const streams = streamFlags(q);
  if (!streams.stdin && !streams.stdout && !streams.stderr) throw new StreamRequestError('you must specify at least 1 of stdin, stdout, stderr');
  if (streams.tty && streams.stderr) streams.stderr = false; // a terminal merges stderr into stdout
  if (kind === 'attach') return { kind, namespace, pod, uid, container, streams };
  const command = q.getAll('command');
  if (command.length === 0) throw new StreamRequestError('you must specify at least 1 command');
  return { kind, namespace, pod, uid, container, command, streams };
}
