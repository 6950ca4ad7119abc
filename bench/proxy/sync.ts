// Benchmark: render + iptables-restore for 1,000 / 5,000 / 10,000 Services x 10 endpoints (full
// sync), and one endpoint change with 10,000 Services present (partial sync), for each iptables
// backend (iptables-nft and iptables-legacy) in the same run, then which configuration meets which
// bar. iptables runs in network namespaces created here (one pair per backend), so the host's
// tables are untouched. Prints figures; asserts nothing.
// Run as root: node --import tsx bench/proxy/sync.ts [sizes...] [--quick] [--backends nft,legacy]
import type { Service } from '../../src/api/types/core.js';
import type { EndpointSlice } from '../../src/api/types/apps.js';
import { render, RenderCache } from '../../src/proxy/render.js';
import { fullTransaction, missingJumps, parseSave, partialTransaction } from '../../src/proxy/restore.js';
import { ExecIptables } from '../../src/proxy/iptables.js';
import { backendCommands, type IptablesBackend } from '../../src/proxy/backend.js';
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
/** CPU ms of this process since `c0` (process.cpuUsage()). */
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

interface Timed {
  wall: number;
  /** User + system CPU of the restore process. */
  cpu: number;
  user: number;
  sys: number;
}

/** Times one `<backend>-restore` of `text` (stdout discarded) in namespace `ns`; wall ms and CPU ms of the process. */
async function timedRestore(ns: string, backend: IptablesBackend, text: string, noflush: boolean): Promise<Timed> {
  const t0 = performance.now();
  const cmd = backendCommands(backend).restore;
  const r = await new ProcessRunner({ netns: ns }).run('/usr/bin/time', ['-f', '%U %S', cmd, ...(noflush ? ['--noflush'] : [])], text, { discardStdout: true });
  const wall = ms(t0);
  if (r.code !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(0, 500)}`);
  const [u, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: ((u ?? 0) + (sys ?? 0)) * 1000, user: (u ?? 0) * 1000, sys: (sys ?? 0) * 1000 };
}

/** Rules per table in iptables-save text (as the proxier counts them before a full sync). */
function savedRuleCount(text: string): number {
  let n = 0;
  for (const [, t] of parseSave(text)) for (const r of t.rules.values()) n += r.length;
  return n;
}

const cpuNote = (x: Timed) => `${fmt(x.wall)} (cpu ${fmt(x.cpu)}: user ${fmt(x.user)}, sys ${fmt(x.sys)})`;

/** One backend's namespaces and figures. */
interface BackendRun {
  backend: IptablesBackend;
  ns: string;
  floorNs: string;
  ipt: ExecIptables;
  /** Full sync of the largest size: our render+text CPU and wall, and the restore. */
  full?: { n: number; ours: number; oursWall: number; restore: Timed };
  partial?: { ours: number; oursWall: number; restore: Timed; oneRule: Timed };
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  // --quick: only the first full sync and the partial sync (no resync, no floor).
  const quick = process.argv.includes('--quick');
  const bi = process.argv.indexOf('--backends');
  const backends = (bi >= 0 ? process.argv[bi + 1]!.split(',') : ['nft', 'legacy']) as IptablesBackend[];
  const list = sizes.length ? sizes : [1000, 5000, 10000];
  const largest = Math.max(...list);
  const id = uniqueId();
  const runs: BackendRun[] = backends.map((backend) => ({ backend, ns: `${id}-${backend}`, floorNs: `${id}-${backend}-floor`, ipt: undefined! }));
  for (const r of runs) {
    await addNetns(r.ns);
    await addNetns(r.floorNs);
    r.ipt = new ExecIptables(new ProcessRunner({ netns: r.ns }), r.backend);
  }
  try {
    process.stdout.write(
      `Backends: ${backends.join(', ')}. Times are wall clock (and CPU of the restore process; "ours" = render + transaction text in this process).\n` +
        'floor = the same rules restored by a flushing restore into an empty namespace.\n',
    );
    for (const n of list) {
      // 1. Start from empty tables (every namespace).
      for (const r of runs) {
        const ipt = backendCommands(r.backend).iptables;
        for (const x of [r.ns, r.floorNs]) {
          for (const t of ['nat', 'filter']) {
            await sh('ip', ['netns', 'exec', x, ipt, '-t', t, '-F']);
            await sh('ip', ['netns', 'exec', x, ipt, '-t', t, '-X']);
          }
        }
      }
      // 2. Render once (shared by the backends); the transaction text per backend.
      const { services, slices } = state(n, 10);
      const cache = new RenderCache();
      let c0 = process.cpuUsage();
      let t0 = performance.now();
      const rs = render(services, slices, node, opts, cache);
      const tRender = ms(t0);
      const cRender = cpuSince(c0);
      process.stdout.write(`${n} services x 10 endpoints (${rs.ruleCount} rules, ${rs.nat.length} nat chains): render ${fmt(tRender)} (cpu ${fmt(cRender)})\n`);
      for (const r of runs) {
        c0 = process.cpuUsage();
        t0 = performance.now();
        const tx = fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps, { listFirst: r.ipt.listFirstHelps });
        const tText = ms(t0);
        const cText = cpuSince(c0);
        // 3. First full sync into empty tables.
        const first = await timedRestore(r.ns, r.backend, tx.text, true);
        process.stdout.write(`  [${r.backend}] first full sync: text ${fmt(tText)}, restore ${cpuNote(first)}; total ${fmt(tRender + tText + first.wall)} wall, ${fmt(cRender + cText + first.cpu)} cpu\n`);
        if (n === largest) r.full = { n, ours: cRender + cText, oursWall: tRender + tText, restore: first };
        if (quick) continue;
        // 4. Steady-state full resync: read the tables as the proxier does, then rewrite everything.
        t0 = performance.now();
        const savedText = (await r.ipt.save('nat')) + (await r.ipt.save('filter'));
        const saved = parseSave(savedText);
        const existing = {
          nat: saved.get('nat')?.chains ?? new Set<string>(),
          filter: saved.get('filter')?.chains ?? new Set<string>(),
          natRules: savedRuleCount(savedText.slice(savedText.indexOf('*nat'))),
          filterRules: savedRuleCount(savedText.slice(savedText.indexOf('*filter'))),
        };
        const tRead = ms(t0);
        t0 = performance.now();
        await r.ipt.save('nat', ['PREROUTING', 'OUTPUT', 'POSTROUTING']);
        await r.ipt.save('filter', ['INPUT', 'FORWARD', 'OUTPUT']);
        const tReadJumps = ms(t0);
        const tx2 = fullTransaction(rs, existing, missingJumps(saved, rs.jumps), { listFirst: r.ipt.listFirstHelps });
        const again = await timedRestore(r.ns, r.backend, tx2.text, true);
        // 5. Floor: the same rules, flushing restore into an empty namespace (no --noflush, no -S).
        const floor = await timedRestore(r.floorNs, r.backend, tx.text.split('\n').filter((l) => l !== '-S').join('\n'), false);
        process.stdout.write(
          `  [${r.backend}] full resync over it: read tables ${fmt(tRead)} (periodic resyncs read only the built-in chains: ${fmt(tReadJumps)}), restore ${cpuNote(again)}${tx2.text.includes('\n-S\n') ? ' (with -S)' : ''}\n` +
            `  [${r.backend}] floor (flushing restore, same rules): ${cpuNote(floor)}; first sync / floor = ${(first.wall / floor.wall).toFixed(2)} wall, ${(first.cpu / floor.cpu).toFixed(2)} cpu\n`,
        );
      }
      // 6. Partial: one endpoint of one service changes (largest size only). Render and diff once.
      if (n !== largest) continue;
      // The informer keeps unchanged objects: only the changed service's slice is a new object.
      const bumped = state(n, 10, Math.floor(n / 2));
      const changed = { services, slices: slices.map((s, i) => (i === Math.floor(n / 2) ? bumped.slices[i]! : s)) };
      c0 = process.cpuUsage();
      t0 = performance.now();
      const rs2 = render(changed.services, changed.slices, node, opts, cache);
      const tRender2 = ms(t0);
      const cRender2 = cpuSince(c0);
      c0 = process.cpuUsage();
      t0 = performance.now();
      const ptx = partialTransaction(rs, rs2)!;
      const tDiff = ms(t0);
      const cDiff = cpuSince(c0);
      process.stdout.write(
        `  partial sync, 1 endpoint changed: render ${fmt(tRender2)} (cpu ${fmt(cRender2)}), diff ${fmt(tDiff)} (cpu ${fmt(cDiff)}); ` +
          `${ptx.text.split('\n').length} lines, ${ptx.written.nat.length} chains written, ${ptx.deleted.nat.length} deleted\n`,
      );
      // The smallest commit that changes a rule: KUBE-MARK-MASQ rewritten with its own rule (the
      // kernel re-validates the table on any such commit with nf_tables).
      const mark = rs.nat.find((c) => c.name === 'KUBE-MARK-MASQ')!;
      const oneRule = `*nat\n:KUBE-MARK-MASQ - [0:0]\n${mark.rules.join('\n')}\nCOMMIT\n`;
      for (const r of runs) {
        const p = await timedRestore(r.ns, r.backend, ptx.text, true);
        const one = await timedRestore(r.ns, r.backend, oneRule, true);
        const empty = await timedRestore(r.ns, r.backend, '*nat\nCOMMIT\n', true);
        r.partial = { ours: cRender2 + cDiff, oursWall: tRender2 + tDiff, restore: p, oneRule: one };
        process.stdout.write(
          `  [${r.backend}] partial restore ${cpuNote(p)}, total ${fmt(tRender2 + tDiff + p.wall)} wall, ${fmt(cRender2 + cDiff + p.cpu)} cpu\n` +
            `  [${r.backend}] floors for a partial: a one-rule commit ${cpuNote(one)}; an empty nat commit ${cpuNote(empty)}\n`,
        );
      }
    }
    // 7. Which configuration meets which bar (wall clock on this machine; CPU when it is shared).
    process.stdout.write(`\nBars (full sync of 10,000 services <= 3 s; one endpoint change with 10,000 services <= 200 ms):\n`);
    const mark = (x: number, bar: number) => (x <= bar ? 'meets' : 'misses');
    for (const r of runs) {
      if (r.full) {
        const cpu = r.full.ours + r.full.restore.cpu;
        const wall = r.full.oursWall + r.full.restore.wall;
        process.stdout.write(`  [${r.backend}] full sync of ${r.full.n}: ${fmt(wall)} wall, ${fmt(cpu)} cpu -> ${r.full.n === 10000 ? `${mark(wall, 3000)} the bar (wall), ${mark(cpu, 3000)} it (cpu)` : 'not the bar size'}\n`);
      }
      if (r.partial) {
        const cpu = r.partial.ours + r.partial.restore.cpu;
        const wall = r.partial.oursWall + r.partial.restore.wall;
        process.stdout.write(
          `  [${r.backend}] partial sync: ${fmt(wall)} wall, ${fmt(cpu)} cpu (ours ${fmt(r.partial.ours)}, restore ${fmt(r.partial.restore.cpu)}, kernel floor of any rule change ${fmt(r.partial.oneRule.cpu)}) -> ` +
            `${largest === 10000 ? `${mark(wall, 200)} the bar (wall), ${mark(cpu, 200)} it (cpu)` : 'not the bar size'}\n`,
        );
      }
    }
  } finally {
    for (const r of runs) {
      await sh('ip', ['netns', 'del', r.ns]).catch(() => undefined);
      await sh('ip', ['netns', 'del', r.floorNs]).catch(() => undefined);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
