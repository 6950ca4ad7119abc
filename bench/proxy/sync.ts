// Benchmark: render + iptables-restore for 1,000 / 5,000 / 10,000 Services x 10 endpoints (full
// sync), and one endpoint change with 10,000 Services present (partial sync). iptables runs in a
// network namespace created here, so the host's tables are untouched. Prints figures; asserts nothing.
// Run as root: node --import tsx bench/proxy/sync.ts [sizes...] [--quick]
import type { Service } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { render, RenderCache } from '../../src/proxy/render.js';
import { fullTransaction, missingJumps, parseSave, partialTransaction } from '../../src/proxy/restore.js';
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
const fmt = (x: number) => `${x.toFixed(0)} ms`;

/** Times one `iptables-restore` of `text` (stdout discarded) in namespace `ns`; wall ms and CPU ms of the process. */
async function timedRestore(ns: string, text: string, noflush: boolean): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const r = await new ProcessRunner({ netns: ns }).run('/usr/bin/time', ['-f', '%U %S', 'iptables-restore', ...(noflush ? ['--noflush'] : [])], text, { discardStdout: true });
  const wall = ms(t0);
  if (r.code !== 0) throw new Error(`iptables-restore failed: ${r.stderr.slice(0, 500)}`);
  const [u, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: ((u ?? 0) + (sys ?? 0)) * 1000 };
}

/** Rules per table in iptables-save text (as the proxier counts them before a full sync). */
function savedRuleCount(text: string): number {
  let n = 0;
  for (const [, t] of parseSave(text)) for (const r of t.rules.values()) n += r.length;
  return n;
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  // --quick: only the first full sync and the partial sync (no resync, no floor).
  const quick = process.argv.includes('--quick');
  const list = sizes.length ? sizes : [1000, 5000, 10000];
  const id = uniqueId();
  const ns = `${id}-bench`;
  const floorNs = `${id}-floor`;
  await addNetns(ns);
  await addNetns(floorNs);
  const ipt = new ExecIptables(new ProcessRunner({ netns: ns }));
  const cpuNote = (x: { wall: number; cpu: number }) => `${fmt(x.wall)} (cpu ${fmt(x.cpu)})`;
  try {
    process.stdout.write('Times are wall clock (and CPU of iptables-restore). floor = the same rules restored by a flushing iptables-restore into an empty namespace.\n');
    for (const n of list) {
      // 1. Start from empty tables (both namespaces).
      for (const x of [ns, floorNs]) {
        await sh('ip', ['netns', 'exec', x, 'iptables', '-t', 'nat', '-F']);
        await sh('ip', ['netns', 'exec', x, 'iptables', '-t', 'nat', '-X']);
        await sh('ip', ['netns', 'exec', x, 'iptables', '-t', 'filter', '-F']);
        await sh('ip', ['netns', 'exec', x, 'iptables', '-t', 'filter', '-X']);
      }
      const { services, slices } = state(n, 10);
      const cache = new RenderCache();
      let t0 = performance.now();
      const rs = render(services, slices, node, opts, cache);
      const tRender = ms(t0);
      t0 = performance.now();
      const tx = fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps);
      const tText = ms(t0);
      // 2. First full sync into empty tables.
      const first = await timedRestore(ns, tx.text, true);
      if (quick) {
        process.stdout.write(`${n} services x 10 endpoints (${rs.ruleCount} rules): render ${fmt(tRender)}, text ${fmt(tText)}, first full sync restore ${cpuNote(first)}\n`);
      }
      // 3. Steady-state full resync: read the tables as the proxier does, then rewrite everything.
      t0 = performance.now();
      if (!quick) await resyncAndFloor();
      async function resyncAndFloor(): Promise<void> {
        const savedText = (await ipt.save('nat')) + (await ipt.save('filter'));
        const saved = parseSave(savedText);
        const existing = {
          nat: saved.get('nat')?.chains ?? new Set<string>(),
          filter: saved.get('filter')?.chains ?? new Set<string>(),
          natRules: savedRuleCount(savedText.slice(savedText.indexOf('*nat'))),
          filterRules: savedRuleCount(savedText.slice(savedText.indexOf('*filter'))),
        };
        const tRead = ms(t0);
        t0 = performance.now();
        await ipt.save('nat', ['PREROUTING', 'OUTPUT', 'POSTROUTING']);
        await ipt.save('filter', ['INPUT', 'FORWARD', 'OUTPUT']);
        const tReadJumps = ms(t0);
        const tx2 = fullTransaction(rs, existing, missingJumps(saved, rs.jumps));
        const again = await timedRestore(ns, tx2.text, true);
        // 4. Floor: the same rules, flushing restore into an empty namespace (no --noflush, no -S).
        const floor = await timedRestore(floorNs, tx.text.split('\n').filter((l) => l !== '-S').join('\n'), false);
        process.stdout.write(
          `${n} services x 10 endpoints (${rs.ruleCount} rules, ${rs.nat.length} nat chains): render ${fmt(tRender)}, text ${fmt(tText)}\n` +
            `  first full sync: restore ${cpuNote(first)}; total ${fmt(tRender + tText + first.wall)}\n` +
            `  full resync over it: read tables ${fmt(tRead)} (first sync after a start; periodic resyncs read only the built-in chains: ${fmt(tReadJumps)}), restore ${cpuNote(again)}${tx2.text.includes('\n-S\n') ? ' (with -S)' : ''}\n` +
            `  floor (flushing restore, same rules): ${cpuNote(floor)}; first sync / floor = ${(first.wall / floor.wall).toFixed(2)} wall, ${(first.cpu / floor.cpu).toFixed(2)} cpu\n`,
        );
      }
      // 5. Partial: one endpoint of one service changes (largest size only).
      if (n === Math.max(...list)) {
        // The informer keeps unchanged objects: only the changed service's slice is a new object.
        const bumped = state(n, 10, Math.floor(n / 2));
        const changed = { services, slices: slices.map((s, i) => (i === Math.floor(n / 2) ? bumped.slices[i]! : s)) };
        t0 = performance.now();
        const rs2 = render(changed.services, changed.slices, node, opts, cache);
        const tRender2 = ms(t0);
        t0 = performance.now();
        const ptx = partialTransaction(rs, rs2)!;
        const tDiff = ms(t0);
        const p = await timedRestore(ns, ptx.text, true);
        const empty = await timedRestore(ns, '*nat\nCOMMIT\n', true);
        process.stdout.write(
          `  partial sync, 1 endpoint changed: render ${fmt(tRender2)}, diff ${fmt(tDiff)}, restore ${cpuNote(p)} ` +
            `(${ptx.text.split('\n').length} lines, ${ptx.written.nat.length} chains written, ${ptx.deleted.nat.length} deleted), total ${fmt(tRender2 + tDiff + p.wall)}\n` +
            `  floor for a partial: an empty nat commit over this table takes ${cpuNote(empty)}\n`,
        );
      }
    }
  } finally {
    await sh('ip', ['netns', 'del', ns]);
    await sh('ip', ['netns', 'del', floorNs]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
