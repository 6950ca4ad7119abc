// pods/proxy, services/proxy and nodes/proxy: forwards one HTTP request to the pod, a ready
// endpoint of the service, or the node's kubelet (over TLS with the apiserver's kubelet client
// certificate), and streams the answer back. Upgrades are never forwarded on these paths (the
// CVE-2018-1002105 class of bugs lives there); a backend that cannot be reached is a 503 Status.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { EndpointSlice, Node, Pod, Service } from '../../api/types/index.js';
import type { Logger } from '../../util/logger.js';
import { errors } from '../errors.js';
import type { RequestInfo } from '../request-info.js';
import { nodeTarget, podTarget, proxiedPath, serviceTarget, splitSchemeNamePort, type ProxyTarget } from './proxy-target.js';

/** Reads the objects a proxy request resolves through; `get*` throw the usual 404 Status. */
export interface ProxyLookups {
  getPod(namespace: string, name: string): Promise<Pod>;
  getService(namespace: string, name: string): Promise<Service>;
  /** The EndpointSlices of one service (label `kubernetes.io/service-name`). */
  serviceSlices(namespace: string, name: string): Promise<EndpointSlice[]>;
  getNode(name: string): Promise<Node>;
}

export interface ResourceProxyOptions {
  lookups: ProxyLookups;
  logger: Logger;
  random: () => number;
  /** The apiserver's kubelet client certificate and CA; kubelets are dialed over plain HTTP without it. */
  kubeletTls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** How long connecting and waiting for the response head may take (ms, default 30 s). */
  timeoutMs?: number;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the caller's credentials, never sent on. */
const DROP_REQUEST = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'authorization', 'host']);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate']);

function forwardHeaders(headers: http.IncomingHttpHeaders, drop: Set<string>): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    const lk = k.toLowerCase();
    if (v === undefined || drop.has(lk) || named.has(lk) || lk.startsWith('impersonate-')) continue;
    out[k] = v;
  }
  return out;
}

export class ResourceProxy {
  constructor(private readonly o: ResourceProxyOptions) {}

  /** True for the requests this class serves (`subresource` proxy of pods, services, nodes). */
  static handles(info: RequestInfo): boolean {
    return info.isResourceRequest && info.subresource === 'proxy' && info.group === '' && info.version === 'v1';
  }

  /** 1. refuse upgrades; 2. resolve the backend; 3. forward the request and stream the answer. */
  async serve(req: IncomingMessage, res: ServerResponse, info: RequestInfo, url: URL): Promise<void> {
    // 1. no upgrades
    if (req.headers.upgrade || /\bupgrade\b/i.test(String(req.headers.connection ?? ''))) {
      throw errors.badRequest('upgrade requests are not proxied on this path');
    }
    // 2. the backend
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const path = proxiedPath(rawPath);
    const id = splitSchemeNamePort(info.name ?? '');
    if (path === undefined || !id) throw errors.notFoundPath(info.path);
    const target = await this.resolve(info, id);
    // 3. forward
    await this.forward(req, res, target, path + url.search);
  }

  private async resolve(info: RequestInfo, id: NonNullable<ReturnType<typeof splitSchemeNamePort>>): Promise<ProxyTarget> {
    const ns = info.namespace ?? '';
    switch (info.resource) {
      case 'pods':
        if (!ns) break;
        return podTarget(await this.o.lookups.getPod(ns, id.name), id);
      case 'services': {
        if (!ns) break;
        const svc = await this.o.lookups.getService(ns, id.name);
        if (svc.spec?.type === 'ExternalName') throw errors.badRequest(`services of type ExternalName cannot be proxied: ${id.name}`);
        return serviceTarget(svc, await this.o.lookups.serviceSlices(ns, id.name), id, this.o.random);
      }
      case 'nodes':
        if (ns) break;
        return nodeTarget(await this.o.lookups.getNode(id.name), id, !!this.o.kubeletTls);
    }
    throw errors.notFoundPath(info.path);
  }

  private forward(req: IncomingMessage, res: ServerResponse, t: ProxyTarget, path: string): Promise<void> {
    const secure = t.scheme === 'https';
    const tls = secure ? (t.kubelet ? { ...(this.o.kubeletTls ?? {}) } : { rejectUnauthorized: false }) : {};
    const where = `${t.scheme}://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}${path}`;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (err?: unknown) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      const up = (secure ? https : http).request({
        host: t.host, port: t.port, method: req.method, path,
        headers: { ...forwardHeaders(req.headers, DROP_REQUEST), host: `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}` },
        timeout: this.o.timeoutMs ?? 30_000, agent: false, ...tls,
      }, (upRes) => {
        up.setTimeout(0);
        if (upRes.statusCode === 101) {
          up.destroy();
          done(errors.unavailable('the backend answered with a protocol switch, which is not proxied'));
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, forwardHeaders(upRes.headers, DROP_RESPONSE));
        upRes.pipe(res);
        upRes.on('end', () => done());
        upRes.on('error', () => {
          res.destroy();
          done();
        });
      });
      up.on('timeout', () => up.destroy(new Error('timed out waiting for the backend')));
      up.on('error', (err) => {
        if (res.headersSent) {
          res.destroy();
          done();
          return;
        }
        this.o.logger.debug({ target: where, err: err.message }, 'proxy backend unreachable');
        done(errors.unavailable(`error trying to reach service: ${err.message}`));
      });
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      req.pipe(up);
    });
  }
}
