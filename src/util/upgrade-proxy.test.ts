import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { acceptUpgrades, proxyUpgrade, upgradeHeaders } from './upgrade-proxy.js';

/** A backend that answers upgrades per `mode`: 'echo' switches protocols and echoes; 'refuse' answers 403. */
async function backend(mode: 'echo' | 'refuse'): Promise<{ port: number; seen: http.IncomingHttpHeaders[]; /** Upgrade connections the proxy closed. */
  closed: () => number; stop: () => Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  let closed = 0;
  const server = http.createServer((_req, res) => res.end('plain-http-answer'));
  server.on('upgrade', (req, socket) => {
    seen.push(req.headers);
    socket.on('end', () => (closed++, socket.destroy()));
    if (mode === 'refuse') {
      // keep the connection open after the answer: the proxy must close it
      socket.write('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nrefused');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    socket.pipe(socket);
  });
  return { ...(await listen(server)), seen, closed: () => closed };
}

/** Listens on a free port; stop() destroys every connection (upgraded ones included) and closes. */
async function listen(server: http.Server): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

async function front(target: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    void proxyUpgrade(req, res, { url: new URL(`http://127.0.0.1:${target}/exec/token?x=1`) }).catch((e: Error) => {
      res.statusCode = 502;
      res.end(e.message);
    });
  };
  const server = http.createServer(handler);
  acceptUpgrades(server, handler);
  return listen(server);
}

/** Sends a raw upgrade request, then `after`; resolves with everything read until the server closes. */
function rawUpgrade(port: number, after: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.includes('\r\n\r\n') && got.startsWith('HTTP/1.1 101') && got.endsWith(after)) s.end();
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.write('POST /api/x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nAuthorization: Bearer secret\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n\r\n');
    if (after) s.write(after);
  });
}

test('upgradeHeaders keeps the upgrade headers, repeated lines included, and drops credentials', () => {
  assert.deepEqual(upgradeHeaders(['Upgrade', 'SPDY/3.1', 'Authorization', 'Bearer x', 'X-Stream-Protocol-Version', 'v4.channel.k8s.io', 'x-stream-protocol-version', 'v3.channel.k8s.io', 'Impersonate-User', 'root', 'Sec-WebSocket-Protocol', 'v5.channel.k8s.io']), {
    upgrade: ['SPDY/3.1'], 'x-stream-protocol-version': ['v4.channel.k8s.io', 'v3.channel.k8s.io'], 'sec-websocket-protocol': ['v5.channel.k8s.io'],
  });
});

test('an accepted upgrade joins client and backend both ways', async () => {
  const b = await backend('echo');
  const f = await front(b.port);
  try {
    const got = await rawUpgrade(f.port, 'ping-pong');
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(got, /X-Stream-Protocol-Version: v4\.channel\.k8s\.io/);
    assert.ok(got.endsWith('\r\n\r\nping-pong'), got);
    assert.deepEqual(b.seen[0]!['x-stream-protocol-version'], 'v4.channel.k8s.io, v3.channel.k8s.io');
    assert.equal(b.seen[0]!.authorization, undefined);
  } finally {
    await f.stop();
    await b.stop();
  }
});

test('a refused upgrade is relayed and the backend connection is closed (CVE-2018-1002105)', async () => {
  const b = await backend('refuse');
  const f = await front(b.port);
  try {
    // bytes sent after the request must never reach the backend as a new request
    const got = await rawUpgrade(f.port, 'GET /secret HTTP/1.1\r\nHost: b\r\n\r\n');
    assert.match(got, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(got, /\r\n\r\n7\r\nrefused\r\n0\r\n\r\n$/);
    assert.doesNotMatch(got, /plain-http-answer/);
    for (let i = 0; i < 50 && b.closed() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(b.closed(), 1, 'backend connection closed');
  } finally {
    await f.stop();
    await b.stop();
  }
});
