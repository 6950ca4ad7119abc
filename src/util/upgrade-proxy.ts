// HTTP upgrade plumbing shared by the apiserver (→ kubelet) and the kubelet (→ the runtime's
// streaming server): serving `Connection: Upgrade` requests through an ordinary (req, res)
// handler, and proxying one upgrade to a backend. The client's socket is joined to the backend
// only after the backend answered 101; any other answer is relayed as a plain response and the
// backend connection is destroyed (CVE-2018-1002105: a refused upgrade must never leave a
// backend connection the client can keep talking to).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** A request handler that may hijack `req.socket` for an upgrade (see `upgradeSocket`). */
export type UpgradeAwareHandler = (req: IncomingMessage, res: ServerResponse) => void;

const UPGRADE_SOCKET = Symbol('upgradeSocket');
type UpgradeRequest = IncomingMessage & { [UPGRADE_SOCKET]?: Duplex };

/**
 * Routes the server's 'upgrade' events to `handle` as ordinary requests: the response object
 * writes to the upgrade socket (so errors are plain HTTP answers) and the connection closes
 * after it; a handler that upgrades takes the socket with `upgradeSocket(req)`.
 */
export function acceptUpgrades(server: http.Server, handle: UpgradeAwareHandler): void {
  server.on('upgrade', (req: UpgradeRequest, socket: Duplex, head: Buffer) => {
    if (head.length) socket.unshift(head);
    req[UPGRADE_SOCKET] = socket;
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    res.once('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    handle(req, res);
  });
}

/** The raw socket of a request that arrived as an upgrade; undefined for ordinary requests. */
export function upgradeSocket(req: IncomingMessage): Duplex | undefined {
  return (req as UpgradeRequest)[UPGRADE_SOCKET];
}

/** Whether the request asks to switch protocols (SPDY/3.1 or websocket). */
export function isUpgradeRequest(req: IncomingMessage): boolean {
  return /\bupgrade\b/i.test(String(req.headers.connection ?? '')) && !!req.headers.upgrade;
}

/** Request headers an upgrade carries to the backend (credentials and proxy headers stay behind). */
const FORWARDED = new Set(['upgrade', 'x-stream-protocol-version', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'origin', 'user-agent']);

/** The headers to send upstream for `req`: the upgrade-relevant ones, repeated lines kept. */
export function upgradeHeaders(rawHeaders: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const k = rawHeaders[i]!.toLowerCase();
    if (FORWARDED.has(k)) (out[k] ??= []).push(rawHeaders[i + 1]!);
  }
  return out;
}

export interface UpgradeTarget {
  /** http(s)://host:port/path?query of the backend. */
  url: URL;
  /** TLS client material when the backend speaks https. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** Deadline for the backend's answer to the upgrade (ms). */
  timeoutMs?: number;
}

/** The backend could not be reached or did not answer; nothing was written to the client. */
export class UpgradeDialError extends Error {}

/**
 * Proxies the upgrade request `req` to `target`:
 * 1. dial the backend with the request's method and its upgrade headers, on a fresh connection;
 * 2. backend answers 101: write its answer to the client's socket, then pipe both ways until
 *    either side closes (resolves then);
 * 3. any other answer: relay status, content type and body through `res`, destroy the backend;
 * 4. no answer: reject with UpgradeDialError (the caller writes the error).
 */
export function proxyUpgrade(req: IncomingMessage, res: ServerResponse, target: UpgradeTarget): Promise<void> {
  const client = upgradeSocket(req);
  const secure = target.url.protocol === 'https:';
  const mod = secure ? https : http;
  return new Promise<void>((resolve, reject) => {
    let answered = false;
    const up = mod.request({
      host: target.url.hostname,
      port: target.url.port || (secure ? 443 : 80),
      path: target.url.pathname + target.url.search,
      method: req.method,
      headers: { ...upgradeHeaders(req.rawHeaders), connection: 'Upgrade' },
      agent: false,
      ...(secure ? (target.tls ?? {}) : {}),
    });
    let backendSocket: Duplex | undefined;
    up.once('socket', (s: Duplex) => (backendSocket = s));
    const timer = setTimeout(() => up.destroy(new Error(`no answer within ${target.timeoutMs ?? 30_000} ms`)), target.timeoutMs ?? 30_000);
    const onClientGone = () => up.destroy();
    req.socket.once('close', onClientGone);
    up.on('upgrade', (upRes: IncomingMessage, backend: Duplex, upHead: Buffer) => {
      answered = true;
      clearTimeout(timer);
      req.socket.off('close', onClientGone);
      if (!client) {
        backend.destroy();
        return reject(new UpgradeDialError('the backend switched protocols on a request that did not arrive as an upgrade'));
      }
      const lines = [`HTTP/1.1 101 ${upRes.statusMessage || 'Switching Protocols'}`];
      for (let i = 0; i + 1 < upRes.rawHeaders.length; i += 2) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      res.statusCode = 101; // for audit and logs; the answer itself goes out raw below
      res.detachSocket(client as never);
      client.write(lines.join('\r\n') + '\r\n\r\n');
      if (upHead.length) client.write(upHead);
      let open = 2;
      const done = () => {
        if (--open === 0) resolve();
      };
      const finish = () => {
        client.destroy();
        backend.destroy();
      };
      backend.on('error', finish);
      client.on('error', finish);
      backend.on('close', () => (client.end(), done()));
      client.on('close', () => (backend.destroy(), done()));
      backend.on('end', () => client.end());
      client.on('end', () => backend.end());
      backend.pipe(client, { end: false });
      client.pipe(backend, { end: false });
    });
    up.on('response', (upRes: IncomingMessage) => {
      answered = true;
      clearTimeout(timer);
      res.statusCode = upRes.statusCode ?? 502;
      const ct = upRes.headers['content-type'];
      if (ct) res.setHeader('Content-Type', ct);
      res.setHeader('Connection', 'close');
      upRes.pipe(res);
      const end = () => {
        backendSocket?.destroy();
        req.socket.off('close', onClientGone);
        resolve();
      };
      upRes.once('end', end);
      upRes.once('error', () => (res.end(), end()));
    });
    up.on('error', (err) => {
      clearTimeout(timer);
      req.socket.off('close', onClientGone);
      if (!answered) reject(new UpgradeDialError(`cannot reach ${target.url.host}: ${err.message}`));
    });
    up.end();
  });
}
