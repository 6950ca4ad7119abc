// pods/log: proxies to the kubelet's /containerLogs endpoint on the pod's node and streams
// the answer through.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../api/types/index.js';
import type { Logger } from '../../util/logger.js';
import { errors } from '../errors.js';
import { kubeletAddress, podContainer, type NodeGetter } from './kubelet-location.js';

export interface LogProxyOptions {
  getNode: NodeGetter;
  logger: Logger;
  /** TLS material for talking to kubelets (security issue); plain HTTP when absent. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

const PASS_PARAMS = ['follow', 'tailLines', 'timestamps', 'previous', 'sinceSeconds', 'sinceTime', 'limitBytes'];

export class LogProxy {
  constructor(private readonly o: LogProxyOptions) {}

  /** 1. resolve container; 2. resolve the node's kubelet address; 3. stream the kubelet's answer. */
  async serve(req: IncomingMessage, res: ServerResponse, pod: Pod, q: URLSearchParams): Promise<void> {
    const name = pod.metadata.name!;
    const container = podContainer(pod, q.get('container'));
    const { ip, port } = await kubeletAddress(this.o.getNode, pod);
    const params = new URLSearchParams();
    for (const p of PASS_PARAMS) {
      const v = q.get(p);
      if (v !== null) params.set(p, v);
    }
    const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace!)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${params}`;
    const secure = !!this.o.tls;
    const mod = secure ? https : http;
    await new Promise<void>((resolve, reject) => {
      const up = mod.request({ host: ip, port, path, method: 'GET', timeout: 10_000, ...(this.o.tls ?? {}) }, (upRes) => {
        const code = upRes.statusCode ?? 502;
        if (code >= 400) {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const msg = Buffer.concat(chunks).toString().trim() || `kubelet answered ${code}`;
            reject(code === 404 ? errors.badRequest(msg) : errors.internal(msg));
          });
          return;
        }
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/plain');
        res.setHeader('Transfer-Encoding', 'chunked');
        res.flushHeaders();
        upRes.on('data', (c: Buffer) => res.write(c));
        upRes.on('end', () => {
          res.end();
          resolve();
        });
        upRes.on('error', () => {
          res.end();
          resolve();
        });
      });
      up.on('timeout', () => up.destroy(new Error('timeout')));
      up.on('error', (err) => {
        if (res.headersSent) {
          res.end();
          resolve();
        } else reject(errors.unavailable(`cannot reach the kubelet on ${ip}:${port}: ${err.message}`));
      });
      req.on('close', () => up.destroy());
      up.end();
    });
  }
}
