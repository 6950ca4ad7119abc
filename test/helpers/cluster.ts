// Test fixtures: a real etcd on free loopback ports in a temp dir, and the apiserver in-process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ApiServer, type ApiServerOptions, type SecureServingOptions } from '../../src/apiserver/server.js';
import type { PkiResult } from '../../src/pki/store.js';
import { newLogger, silentLogger } from '../../src/util/logger.js';
import { freePort } from './ports.js';

export interface EtcdFixture {
  endpoint: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Kills etcd (SIGKILL) without removing its data, and starts it again on the same ports. */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
}

/** TLS files for etcd: its CA, server/peer certificate, and the client certificate tests use to probe it. */
export interface EtcdTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  peerCertFile: string;
  peerKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

function httpsOk(url: string, tls: EtcdTlsFiles): Promise<boolean> {
  return new Promise((resolve) => {
    const r = https.get(url, { ca: fs.readFileSync(tls.caFile), cert: fs.readFileSync(tls.clientCertFile), key: fs.readFileSync(tls.clientKeyFile) }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    r.on('error', () => resolve(false));
  });
}

async function waitHealthy(endpoint: string, proc: ChildProcess, timeoutMs = 20_000, tls?: EtcdTlsFiles): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}`);
    try {
      if (tls ? await httpsOk(`${endpoint}/health`, tls) : (await fetch(`${endpoint}/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('etcd did not become healthy');
}

/**
 * Starts etcd (the Debian etcd-server binary) on free ports with a fresh data dir; with `tls`,
 * client and peer traffic are TLS and clients must present a certificate from the CA.
 */
export async function startEtcd(opts: { tls?: EtcdTlsFiles } = {}): Promise<EtcdFixture> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = opts.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const t = opts.tls;
  const args = [
    '--name', 'test', '--data-dir', dataDir,
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `${scheme}://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `${scheme}://127.0.0.1:${peerPort}`,
    '--initial-cluster', `test=${scheme}://127.0.0.1:${peerPort}`, '--log-level', 'error', '--logger', 'zap',
    '--quota-backend-bytes', String(4 * 1024 * 1024 * 1024),
    ...(t ? [
      '--cert-file', t.certFile, '--key-file', t.keyFile, '--trusted-ca-file', t.caFile, '--client-cert-auth',
      '--peer-cert-file', t.peerCertFile, '--peer-key-file', t.peerKeyFile, '--peer-trusted-ca-file', t.caFile, '--peer-client-cert-auth',
    ] : []),
  ];
  let proc = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitHealthy(endpoint, proc, 20_000, t);
  const stopProc = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await done;
  };
  return {
    endpoint,
    dataDir,
    async stop() {
      await stopProc();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await stopProc();
      proc = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'inherit'] });
      await waitHealthy(endpoint, proc, 20_000, t);
    },
    pause() {
      proc.kill('SIGSTOP');
    },
    resume() {
      proc.kill('SIGCONT');
    },
  };
}

/** etcd's TLS files from a kubets PKI: the etcd CA, server and peer certs, the apiserver's etcd client cert. */
export function etcdTlsOf(pki: PkiResult): EtcdTlsFiles {
  const c = pki.certs;
  return {
    caFile: pki.etcdCA.cert, certFile: c['etcd/server']!.cert, keyFile: c['etcd/server']!.key, peerCertFile: c['etcd/peer']!.cert, peerKeyFile: c['etcd/peer']!.key,
    clientCertFile: c['apiserver-etcd-client']!.cert, clientKeyFile: c['apiserver-etcd-client']!.key,
  };
}

/** The secure apiserver's wiring from a kubets PKI: TLS to etcd, HTTPS on loopback with x509 client auth (Node+RBAC). */
export function secureApiOptionsOf(pki: PkiResult, serving: Partial<SecureServingOptions> = {}): Pick<ApiServerOptions, 'etcdTls' | 'secure'> {
  const read = (f: string) => fs.readFileSync(f);
  const c = pki.certs;
  return {
    etcdTls: { ca: read(pki.etcdCA.cert), cert: read(c['apiserver-etcd-client']!.cert), key: read(c['apiserver-etcd-client']!.key) },
    secure: { port: 0, bindAddress: '127.0.0.1', cert: read(c.apiserver!.cert), key: read(c.apiserver!.key), clientCA: read(pki.ca.cert), ...serving },
  };
}

export interface ApiServerFixture {
  url: string;
  server: ApiServer;
  stop(): Promise<void>;
}

/** Starts an apiserver in-process against `etcd` on a free loopback port. */
export async function startApiServer(opts: { etcd: { endpoint: string }; port?: number; verbose?: boolean } & Partial<ApiServerOptions>): Promise<ApiServerFixture> {
  const { etcd, verbose, ...rest } = opts;
  const server = new ApiServer({
    etcdServers: [etcd.endpoint],
    port: opts.port ?? 0,
    // An apiserver alone has no controller-manager to create `default` ServiceAccounts, so pods
    // would be refused as upstream refuses them; tests of that admission pass their own list.
    disableAdmissionPlugins: ['ServiceAccount'],
    logger: verbose || process.env.KUBETS_TEST_LOG ? newLogger({ component: 'apiserver' }) : silentLogger(),
    ...rest,
  });
  const url = await server.start();
  return { url, server, stop: () => server.stop() };
}
