// The network actions shared by probes and lifecycle hooks: an HTTP GET and a TCP connect
// against a container, and named-port resolution. Each resolves to a verdict, never throws.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, HTTPGetAction, IntOrString } from '../api/types/index.js';

/** The outcome of one handler run: ok, or why not. */
export interface HandlerResult {
  ok: boolean;
  message: string;
}

/** A port number from a number, a numeric string or a container port name. */
export function resolvePort(port: IntOrString, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`unknown named port ${port}`);
  return p.containerPort;
}

/** GETs `action` on `host`; 2xx/3xx is success. `userAgent` as upstream (kube-probe/…, kube-lifecycle/…). */
export function httpGet(action: HTTPGetAction, c: Container, host: string, timeoutMs: number, userAgent: string): Promise<HandlerResult> {
  let port: number;
  try {
    port = resolvePort(action.port, c);
  } catch (err) {
    return Promise.resolve({ ok: false, message: (err as Error).message });
  }
  const target = action.host ?? host;
  const p = action.path ?? '/';
  const scheme = action.scheme === 'HTTPS' ? 'https' : 'http';
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': userAgent };
    for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
    const get = scheme === 'https' ? https.get : http.get;
    const req = get({ host: target, port, path: p, headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', (err) => resolve({ ok: false, message: `Get "${scheme}://${target}:${port}${p}": ${err.message}` }));
  });
}

/** Opens and closes a TCP connection to `host:port`. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<HandlerResult> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs }, () => {
      s.destroy();
      resolve({ ok: true, message: '' });
    });
    s.on('timeout', () => {
      s.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    s.on('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}
