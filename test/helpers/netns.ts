// Network-namespace fixtures for proxy e2e tests and benchmarks. Everything lives in namespaces
// created here (veth pairs are created directly inside them), so the host's interfaces and
// iptables are never touched. `destroy()` kills the processes started and deletes the namespaces.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ProcessRunner, type ExecResult } from '../../src/proxy/exec.js';

const host = new ProcessRunner();

/** Runs a command in the host namespace (ip netns management) and throws on failure. */
export async function sh(cmd: string, args: string[]): Promise<ExecResult> {
  const r = await host.run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} -> ${r.code}: ${r.stderr}`);
  return r;
}

/** Runs a command inside namespace `ns` (no throw). */
export function nsRun(ns: string, cmd: string, args: string[], stdin?: string): Promise<ExecResult> {
  return new ProcessRunner({ netns: ns }).run(cmd, args, stdin);
}

/** A short unique prefix for namespace names of one test run. */
export function uniqueId(): string {
  return `kt${randomBytes(3).toString('hex')}`;
}

/** Creates a namespace with loopback up. */
export async function addNetns(name: string): Promise<void> {
  await sh('ip', ['netns', 'add', name]);
  await sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** A veth pair between two namespaces, addressed and up. */
export async function vethPair(a: { ns: string; ifname: string; cidr?: string }, b: { ns: string; ifname: string; cidr?: string }): Promise<void> {
  await sh('ip', ['link', 'add', 'name', a.ifname, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns]);
  for (const e of [a, b]) {
    if (e.cidr) await sh('ip', ['-n', e.ns, 'addr', 'add', e.cidr, 'dev', e.ifname]);
    await sh('ip', ['-n', e.ns, 'link', 'set', e.ifname, 'up']);
  }
}

/** One backend "pod": a namespace on the node's bridge running an HTTP server that answers its name. */
export interface PodFixture {
  ns: string;
  name: string;
  ip: string;
}

/** The node (bridge + routes), pods, a client and an outside host. */
export interface Topology {
  id: string;
  nodeNs: string;
  /** Node's address on the outside link (used for NodePorts). */
  nodeIP: string;
  pods: PodFixture[];
  /** A client host routed through the node (off the pod network). */
  clientNs: string;
  /** A host standing for the outside world, on the node's external link. */
  outsideNs: string;
  /** HTTP GET from a namespace with curl (2 s timeout); `code` is curl's exit code (7 = refused, 28 = timeout). */
  get(ns: string, url: string): Promise<{ ok: boolean; body: string; err: string; code: number }>;
  destroy(): Promise<void>;
}

/** Options of the topology: number of pods and the HTTP port they listen on. */
export interface TopologyOptions {
  pods?: number;
  podPort?: number;
}

/**
 * Builds the topology. Steps: 1. namespaces; 2. bridge in the node ns; 3. pods (veth to bridge,
 * default route, busybox httpd); 4. client and outside hosts on their own links routed via the node.
 * On any failure what was created is destroyed before rethrowing.
 */
export async function createTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const id = uniqueId();
  const created: string[] = [];
  const procs: ChildProcess[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), `${id}-`));
  const destroy = async () => {
    for (const p of procs) if (p.pid && p.exitCode === null) p.kill('SIGKILL');
    for (const ns of created.reverse()) await host.run('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // 1. Namespaces.
    const nodeNs = `${id}-node`;
    const clientNs = `${id}-cli`;
    const outsideNs = `${id}-out`;
    for (const ns of [nodeNs, clientNs, outsideNs]) {
      await addNetns(ns);
      created.push(ns);
    }
    // 2. Bridge for pods.
    await sh('ip', ['-n', nodeNs, 'link', 'add', 'cbr0', 'type', 'bridge']);
    await sh('ip', ['-n', nodeNs, 'addr', 'add', '10.244.1.1/24', 'dev', 'cbr0']);
    await sh('ip', ['-n', nodeNs, 'link', 'set', 'cbr0', 'up']);
    // 3. Pods.
    const pods: PodFixture[] = [];
    const port = opts.podPort ?? 8080;
    for (let i = 1; i <= (opts.pods ?? 3); i++) {
      const ns = `${id}-p${i}`;
      await addNetns(ns);
      created.push(ns);
      const ip = `10.244.1.${10 + i}`;
      await vethPair({ ns, ifname: 'eth0', cidr: `${ip}/24` }, { ns: nodeNs, ifname: `vp${i}` });
      await sh('ip', ['-n', nodeNs, 'link', 'set', `vp${i}`, 'master', 'cbr0']);
      // As the CNI bridge plugin with hairpinMode: a pod may reach itself through a Service.
      await sh('ip', ['-n', nodeNs, 'link', 'set', `vp${i}`, 'type', 'bridge_slave', 'hairpin', 'on']);
      await sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', '10.244.1.1']);
      const www = path.join(dir, `p${i}`);
      rmSync(www, { recursive: true, force: true });
      await sh('mkdir', ['-p', www]);
      writeFileSync(path.join(www, 'index.html'), `p${i}\n`);
      const p = spawn('ip', ['netns', 'exec', ns, 'busybox', 'httpd', '-f', '-p', String(port), '-h', www], { stdio: 'ignore' });
      procs.push(p);
      pods.push({ ns, name: `p${i}`, ip });
    }
    // 4. Client and outside links.
    await vethPair({ ns: clientNs, ifname: 'eth0', cidr: '10.99.0.2/24' }, { ns: nodeNs, ifname: 'vcli', cidr: '10.99.0.1/24' });
    await sh('ip', ['-n', clientNs, 'route', 'add', 'default', 'via', '10.99.0.1']);
    await vethPair({ ns: outsideNs, ifname: 'eth0', cidr: '192.168.77.2/24' }, { ns: nodeNs, ifname: 'vout', cidr: '192.168.77.1/24' });
    await sh('ip', ['-n', outsideNs, 'route', 'add', 'default', 'via', '192.168.77.1']);
    const get = async (ns: string, url: string) => {
      const r = await nsRun(ns, 'curl', ['-sS', '--max-time', '2', url]);
      return { ok: r.code === 0, body: r.stdout.trim(), err: r.stderr.trim(), code: r.code };
    };
    // 5. Wait until every pod answers directly.
    for (const p of pods) {
      for (let tries = 0; ; tries++) {
        const r = await get(nodeNs, `http://${p.ip}:${port}/`);
        if (r.ok) break;
        if (tries > 100) throw new Error(`pod ${p.name} never answered: ${r.err}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    return { id, nodeNs, nodeIP: '192.168.77.1', pods, clientNs, outsideNs, get, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}
