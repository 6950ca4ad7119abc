// Benchmark: render + iptables-restore for 1,000 / 5,000 / 10,000 Services x 10 endpoints (full
// sync), and one endpoint change with 10,000 Services present (partial sync). iptables runs in a
// network namespace created here, so the host's tables are untouched. Prints figures; asserts nothing.
// Run as root: node --import tsx bench/proxy/sync.ts [sizes...]
import type { Service } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { render, RenderCache } from '../../src/proxy/render.js';
import { fullTransaction, partialTransaction } from '../../src/proxy/restore.js';
import { ExecIptables } from '../../src/proxy/iptables.js';
import { ProcessRunner } from '../../src/proxy/exec.js';
import { svc, slice } from '../../src/proxy/testfixtures.js';
import { addNetns, sh, uniqueId } from '../../test/helpers/netns.js';

const node = { name: 'node-a', addresses: ['192.168.1.10'] };
const opts = { clusterCIDR: '10.244.0.0/16' };

function state(n: number, epsPer: number, bump = -1): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.96.${(i >> 8) & 255}.${i & 255}`;
    services.push(svc(`ns${i % 50}`, `svc${i}`, i % 10 === 0
      ? { type: 'NodePort', clusterIP: ip, ports: [{ name: 'http', port: 80, nodePort: 30000 + (i % 2700), protocol: 'TCP' }] }
      : { clusterIP: ip }));
    const eps: string[] = [];
    for (let e = 0; e < epsPer; e++) {
      const k = i * epsPer + e + (i === bump && e === 0 ? 7_000_000 : 0);
      eps.push(`10.${64 + ((k >> 16) & 63)}.${(k >> 8) & 255}.${k & 255}`);
    }
    slices.push(slice(`ns${i % 50}`, `svc${i}`, eps));
  }
  return { services, slices };
}

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const ns = `${uniqueId()}-bench`;
  await addNetns(ns);
  const ipt = new ExecIptables(new ProcessRunner({ netns: ns }));
  try {
    process.stdout.write('services  endpoints  rules    render     text    restore(full)   total\n');
    for (const n of sizes.length ? sizes : [1000, 5000, 10000]) {
      // 1. Start from empty tables.
      await sh('ip', ['netns', 'exec', ns, 'iptables', '-t', 'nat', '-F']);
      await sh('ip', ['netns', 'exec', ns, 'iptables', '-t', 'nat', '-X']);
      const { services, slices } = state(n, 10);
      const cache = new RenderCache();
      let t0 = performance.now();
      const rs = render(services, slices, node, opts, cache);
      const tRender = ms(t0);
      t0 = performance.now();
      const tx = fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps);
      const tText = ms(t0);
      t0 = performance.now();
      await ipt.restore(tx.text);
      const tRestore = ms(t0);
      process.stdout.write(`${String(n).padEnd(9)} ${String(n * 10).padEnd(10)} ${String(rs.ruleCount).padEnd(8)} ${fmt(tRender).padStart(9)} ${fmt(tText).padStart(8)} ${fmt(tRestore).padStart(14)} ${fmt(tRender + tText + tRestore).padStart(10)}\n`);
      // 2. Partial: one endpoint of one service changes.
      if (n === Math.max(...(sizes.length ? sizes : [10000]))) {
        const changed = state(n, 10, Math.floor(n / 2));
        t0 = performance.now();
        const rs2 = render(changed.services, changed.slices, node, opts, cache);
        const tRender2 = ms(t0);
        t0 = performance.now();
        const ptx = partialTransaction(rs, rs2)!;
        const tDiff = ms(t0);
        t0 = performance.now();
        await ipt.restore(ptx.text);
        const tRestore2 = ms(t0);
        process.stdout.write(
          `partial sync, 1 endpoint changed of ${n} services: render ${fmt(tRender2)}, diff ${fmt(tDiff)}, restore ${fmt(tRestore2)} ` +
            `(${ptx.text.split('\n').length} lines, ${ptx.written.nat.length} chains written, ${ptx.deleted.nat.length} deleted), total ${fmt(tRender2 + tDiff + tRestore2)}\n`,
        );
        const text = await ipt.save('nat');
        process.stdout.write(`kernel now holds ${text.split('\n').filter((l) => l.startsWith('-A')).length} nat rules\n`);
      }
    }
  } finally {
    await sh('ip', ['netns', 'del', ns]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
