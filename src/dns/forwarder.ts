// Forwards queries outside the cluster zone to upstream resolvers (UDP, retrying over TCP when
// truncated), trying each upstream in turn, with a TTL cache in front.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import dnsPacket, { type Packet } from 'dns-packet';
import { DnsCache } from './cache.js';
import { FLAG_TC } from './answer.js';

/** A resolver address. */
export interface Upstream {
  host: string;
  port: number;
}

/** Resolves a query elsewhere. Rejects when no upstream answered. */
export interface Resolver {
  resolve(query: Packet): Promise<Packet>;
}

/** Parses "IP[:PORT]" or "[v6]:PORT" lists. */
export function parseUpstreams(s: string): Upstream[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(x);
      if (v6) return { host: v6[1]!, port: Number(v6[2] ?? 53) };
      const parts = x.split(':');
      if (parts.length === 2) return { host: parts[0]!, port: Number(parts[1]) };
      return { host: x, port: 53 };
    });
}

/** Nameservers of a resolv.conf text, loopback stub resolvers excluded when `excludeLoopback`. */
export function nameserversFromResolvConf(text: string, excludeLoopback = false): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    if (excludeLoopback && (m[1]!.startsWith('127.') || m[1] === '::1')) continue;
    out.push({ host: m[1]!, port: 53 });
  }
  return out;
}

/** Reads /etc/resolv.conf (or `path`); empty when unreadable. */
export function systemUpstreams(path = '/etc/resolv.conf'): Upstream[] {
  try {
    return nameserversFromResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/** Sends one query over UDP; resolves with the decoded response or rejects on timeout. */
export function queryUDP(up: Upstream, query: Packet, timeoutMs: number): Promise<Packet> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(up.host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`timeout from ${up.host}:${up.port}`));
    }, timeoutMs);
    sock.on('message', (msg) => {
      try {
        const p = dnsPacket.decode(msg);
        if (p.id !== query.id) return;
        clearTimeout(timer);
        sock.close();
        resolve(p);
      } catch {
        // ignore garbage
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      sock.close();
      reject(err);
    });
    sock.send(dnsPacket.encode(query), up.port, up.host);
  });
}

/** Sends one query over TCP (2-byte length framing, RFC 1035 4.2.2). */
export function queryTCP(up: Upstream, query: Packet, timeoutMs: number): Promise<Packet> {
  return new Promise((resolve, reject) => {
    const sock = connect(up.port, up.host);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`tcp timeout from ${up.host}:${up.port}`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(dnsPacket.streamEncode(query)));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        try {
          resolve(dnsPacket.streamDecode(buf));
        } catch (err) {
          reject(err);
        }
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The forwarder: cache, then each upstream in order (UDP, TCP on truncation). */
export class Forwarder implements Resolver {
  constructor(private readonly o: { upstreams: Upstream[]; cache?: DnsCache; timeoutMs?: number }) {}

  async resolve(query: Packet): Promise<Packet> {
    // 1. Cache.
    const hit = this.o.cache?.get(query);
    if (hit) return hit;
    // 2. Upstreams in order.
    let lastErr: unknown = new Error('no upstream resolvers configured');
    for (const up of this.o.upstreams) {
      try {
        let r = await queryUDP(up, query, this.o.timeoutMs ?? 2000);
        if (((r.flags ?? 0) & FLAG_TC) !== 0) r = await queryTCP(up, query, this.o.timeoutMs ?? 2000);
        this.o.cache?.put(r);
        return r;
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr;
  }
}
