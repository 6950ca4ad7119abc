// The DNS server: UDP and TCP on one address. Cluster names are answered from the cluster state;
// everything else is forwarded. UDP answers larger than 512 bytes (or the client's EDNS size)
// are sent truncated (TC) so the client retries over TCP.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer, type OptAnswer, type Packet } from 'dns-packet';
import type { Logger } from '../util/logger.js';
import { answer, responseFor, FLAG_TC, RCODE, type AnswerOptions } from './answer.js';
import type { ClusterStateSource } from './informerstate.js';
import type { Resolver } from './forwarder.js';

/** Server options. `listen` is "host:port" (port 0 picks a free port for both UDP and TCP). */
export interface DnsServerOptions {
  listen: string;
  answer: AnswerOptions;
  state: ClusterStateSource;
  forwarder?: Resolver;
  logger: Logger;
}

/** Largest UDP answer allowed for `query`: its EDNS payload size (capped at 4096), else 512. */
export function udpLimit(query: Packet): number {
  const opt = (query.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
  return opt ? Math.max(512, Math.min(opt.udpPayloadSize || 512, 4096)) : 512;
}

/** Encodes `resp` for UDP: when too large, an empty truncated response instead (RFC 2181 9). */
export function encodeForUDP(resp: Packet, query: Packet): Buffer {
  const limit = udpLimit(query);
  const full = dnsPacket.encode(resp);
  if (full.length <= limit) return full;
  const tc: Packet = { ...resp, flags: (resp.flags ?? 0) | FLAG_TC, answers: [], authorities: [], additionals: (resp.additionals ?? []).filter((a) => a.type === 'OPT') };
  return dnsPacket.encode(tc);
}

function withEdns(resp: Packet, query: Packet): Packet {
  const hasOpt = (query.additionals ?? []).some((a) => a.type === 'OPT');
  const additionals: Answer[] = (resp.additionals ?? []).filter((a) => a.type !== 'OPT');
  if (hasOpt) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as OptAnswer);
  return { ...resp, additionals };
}

export class DnsServer {
  private udp?: Socket;
  private tcp?: Server;
  private readonly conns = new Set<TcpSocket>();

  constructor(private readonly o: DnsServerOptions) {}

  /**
   * Answers one query: 1. cluster zone (pure `answer`); 2. for a CNAME out of the zone, the
   * target's records from upstream are appended; 3. otherwise forward; SERVFAIL when that fails.
   */
  async handle(query: Packet): Promise<Packet> {
    const local = answer(query, this.o.state.current(), this.o.answer);
    if (local) {
      const q = query.questions?.[0];
      const cname = local.answers?.length === 1 && local.answers[0]!.type === 'CNAME' ? (local.answers[0]!.data as string) : undefined;
      if (cname && q && q.type !== 'CNAME' && this.o.forwarder) {
        try {
          const chased = await this.handle({ id: query.id, type: 'query', flags: query.flags, questions: [{ name: cname, type: q.type, class: 'IN' }] });
          local.answers = [...(local.answers ?? []), ...(chased.answers ?? [])];
        } catch {
          // the CNAME alone is still a valid answer
        }
      }
      return withEdns(local, query);
    }
    if (!this.o.forwarder) return withEdns(responseFor(query, RCODE.REFUSED, false), query);
    try {
      const up = await this.o.forwarder.resolve({ ...query, additionals: (query.additionals ?? []).filter((a) => a.type !== 'OPT') });
      return withEdns({ ...up, id: query.id, flags: ((up.flags ?? 0) & ~FLAG_TC & 0xffff) }, query);
    } catch (err) {
      this.o.logger.debug({ err, question: query.questions?.[0] }, 'forward failed');
      return withEdns(responseFor(query, RCODE.SERVFAIL, false), query);
    }
  }

  private async handleWire(buf: Buffer): Promise<{ query: Packet; resp: Packet } | undefined> {
    let query: Packet;
    try {
      query = dnsPacket.decode(buf);
    } catch {
      if (buf.length < 2) return undefined;
      const id = buf.readUInt16BE(0);
      return { query: { id }, resp: responseFor({ id }, RCODE.FORMERR, false) };
    }
    if (query.type === 'response') return undefined;
    return { query, resp: await this.handle(query) };
  }

  /**
   * Binds UDP then TCP on the same port; resolves with the bound address.
   * With port 0 the kernel picks a free UDP port that TCP may already use:
   * then both are closed and another port is tried (up to 20 times).
   */
  async start(): Promise<{ host: string; port: number }> {
    const i = this.o.listen.lastIndexOf(':');
    const host = this.o.listen.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
    const wanted = Number(this.o.listen.slice(i + 1));
    for (let attempt = 1; ; attempt++) {
      try {
        const port = await this.bindBoth(host, wanted);
        this.o.logger.info({ host, port }, 'dns listening (udp+tcp)');
        return { host, port };
      } catch (err) {
        const retry = wanted === 0 && attempt < 20 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        await this.stop();
        if (!retry) throw err;
      }
    }
  }

  private async bindBoth(host: string, wanted: number): Promise<number> {
    // 1. UDP.
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.udp = udp;
    udp.on('message', (msg, rinfo) => {
      this.handleWire(msg)
        .then((r) => {
          if (r) udp.send(encodeForUDP(r.resp, r.query), rinfo.port, rinfo.address);
        })
        .catch((err: unknown) => this.o.logger.warn({ err }, 'udp query failed'));
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(wanted, host, () => resolve());
    });
    const port = udp.address().port;
    // 2. TCP on the same port: length-prefixed messages, several per connection.
    const tcp = createServer((sock) => this.serveTCP(sock));
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, host, () => resolve());
    });
    return port;
  }

  private serveTCP(sock: TcpSocket): void {
    this.conns.add(sock);
    let buf = Buffer.alloc(0);
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('close', () => this.conns.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        this.handleWire(Buffer.from(msg))
          .then((r) => {
            if (r && !sock.destroyed) sock.write(dnsPacket.streamEncode(r.resp));
          })
          .catch((err: unknown) => this.o.logger.warn({ err }, 'tcp query failed'));
      }
    });
  }

  /** Closes both listeners and open TCP connections. */
  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    await Promise.all([
      new Promise<void>((r) => {
        if (!udp) return r();
        try {
          udp.close(() => r());
        } catch {
          r(); // never bound or already closed
        }
      }),
      new Promise<void>((r) => (tcp ? tcp.close(() => r()) : r())),
    ]);
  }
}
