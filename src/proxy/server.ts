// The proxy's HTTP endpoints: /healthz (200 or 503 with a JSON body, as upstream) and /metrics.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { ProxyHealth } from './proxier.js';

/** What the server reads. */
export interface ProxyServerSource {
  health(): ProxyHealth;
  registry: Registry;
  nodeName: string;
}

/** Creates (does not listen) the HTTP server. */
export function newProxyServer(src: ProxyServerSource): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez') {
      const h = src.health();
      const body = {
        lastUpdated: h.lastSuccessfulSync ? new Date(h.lastSuccessfulSync).toISOString() : '',
        currentTime: new Date().toISOString(),
        nodeName: src.nodeName,
        nodeEligible: true,
        ...(h.lastError ? { lastError: h.lastError } : {}),
      };
      res.writeHead(h.healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    if (path === '/metrics') {
      src.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': src.registry.contentType });
          res.end(text);
        })
        .catch((err: Error) => {
          res.writeHead(500);
          res.end(err.message);
        });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
}

/** Listens on "host:port"; resolves with the bound port. */
export function listen(server: Server, hostPort: string): Promise<number> {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i) || '0.0.0.0';
  const port = Number(hostPort.slice(i + 1));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}
