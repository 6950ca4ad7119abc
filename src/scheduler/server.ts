// The scheduler's HTTP endpoints: /healthz, /readyz, /livez and /metrics (plain http on loopback).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ServerOptions { host: string; port: number; metrics: Registry; healthy: () => boolean }

/** Contract: resolves with the bound port once listening; `close` stops it. */
export async function startHealthServer(o: ServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const srv = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const ok = o.healthy();
      res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'unhealthy');
      return;
    }
    if (path === '/metrics') {
      o.metrics.metrics().then(
        (body) => res.writeHead(200, { 'content-type': o.metrics.contentType }).end(body),
        (e: Error) => res.writeHead(500).end(e.message),
      );
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (srv.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
  };
}
