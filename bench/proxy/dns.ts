// Benchmark: DNS queries/s and latency percentiles for cluster names against `kubets dns`'s
// server (in a child process) on loopback, over UDP with a window of outstanding queries.
// Prints figures; asserts nothing. Usage: node --import tsx bench/proxy/dns.ts [seconds] [window]
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const window = Number(process.argv[3] ?? 32);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'dns-server.ts'), '10000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
    });
    const sock = createSocket('udp4');
    const pending = new Map<number, number>();
    const lat: number[] = [];
    let nextId = 0;
    let errors = 0;
    const send = () => {
      const id = nextId++ & 0xffff;
      const i = Math.floor(Math.random() * 10000);
      const buf = dnsPacket.encode({ id, type: 'query', flags: 1 << 8, questions: [{ name: `svc${i}.ns${i % 50}.svc.cluster.local`, type: 'A', class: 'IN' }] });
      pending.set(id, performance.now());
      sock.send(buf, port, '127.0.0.1');
    };
    const end = performance.now() + seconds * 1000;
    await new Promise<void>((resolve) => {
      sock.on('message', (msg) => {
        const id = msg.readUInt16BE(0);
        const t = pending.get(id);
        if (t === undefined) return;
        pending.delete(id);
        lat.push(performance.now() - t);
        if ((msg.readUInt16BE(2) & 0xf) !== 0 || msg.readUInt16BE(6) !== 1) errors++;
        if (performance.now() < end) send();
        else if (pending.size === 0) resolve();
      });
      // warm window
      for (let i = 0; i < window; i++) send();
      setTimeout(() => resolve(), seconds * 1000 + 3000);
    });
    sock.close();
    lat.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!.toFixed(2);
    process.stdout.write(
      `dns: ${lat.length} answers in ${seconds}s = ${(lat.length / seconds).toFixed(0)} queries/s (window ${window}, 10,000 services); ` +
        `latency p50 ${pct(50)} ms, p99 ${pct(99)} ms; wrong answers ${errors}; lost ${pending.size}\n`,
    );
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
