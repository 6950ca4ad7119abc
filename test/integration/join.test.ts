// Joining a worker against the secure apiserver (TLS etcd, x509 authentication, Node authorizer,
// NodeRestriction, RBAC): `kubets certs node` issues the bundle on the "server", `kubets install
// --role worker --join-dir` installs it, and the kubelet and proxy use exactly the files the units
// name. The kubelet registers its node and renews its Lease, and may not touch another node; the
// apiserver reaches the kubelet over TLS through its serving certificate; the proxy reads
// Services and EndpointSlices but not Secrets (real kubectl).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Lease } from '../../src/api/types/index.js';
import { ApiError } from '../../src/client/interfaces.js';
import { R } from '../../src/client/resources.js';
import { clientsetFromKubeconfig, RestClientset } from '../../src/client/rest.js';
import { FakeRuntimeService } from '../../src/kubelet/cri/fake-runtime.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { ensurePki, type PkiResult } from '../../src/pki/store.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { etcdTlsOf, secureApiOptionsOf, startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually as until } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { KUBETS } from '../helpers/processes.js';

const exec = promisify(execFile);
const read = (f: string) => fs.readFileSync(f);

const eventually = (what: string, fn: () => Promise<boolean>, timeoutMs = 60_000) => until(fn, timeoutMs, what);

/** The value after `flag` in the ExecStart line of a unit file. */
function unitFlag(unitFile: string, flag: string): string {
  const exec = fs.readFileSync(unitFile, 'utf8').split('\n').find((l) => l.startsWith('ExecStart='))!.split(' ');
  const i = exec.indexOf(flag);
  assert.ok(i > 0, `${flag} in ${unitFile}`);
  return exec[i + 1]!;
}

const code = async (p: Promise<unknown>) => p.then(() => 200, (e) => (e instanceof ApiError ? e.code : -1));

describe('worker join with the secure defaults', () => {
  let dir: string;
  let pki: PkiResult;
  let etcd: EtcdFixture;
  let api: ApiServerFixture;
  let admin: RestClientset;
  let kubeletClient: RestClientset;
  let kubelet: Kubelet | undefined;
  let kubeletDone: Promise<void> | undefined;
  const stop = new AbortController();
  const kubectls: Kubectl[] = [];
  let units: string;
  let installOut = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-join-'));
    pki = await ensurePki(path.join(dir, 'server', 'pki'), { nodeName: 'server', nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
    etcd = await startEtcd({ tls: etcdTlsOf(pki) });
    api = await startApiServer({
      etcd,
      ...secureApiOptionsOf(pki),
    });
    admin = new RestClientset({ server: api.url, caData: read(pki.ca.cert), certData: read(pki.certs.admin!.cert), keyData: read(pki.certs.admin!.key), maxRetries: 0 });
    // On the server: the bundle. On the worker: install it (units and files under its own state dir).
    await exec(process.execPath, [KUBETS, 'certs', 'node', '--dir', pki.dir, '--node-name', 'w1', '--node-ip', '127.0.0.1', '--server', api.url, '--out', path.join(dir, 'w1')]);
    units = path.join(dir, 'units');
    installOut = (await exec(process.execPath, [KUBETS, 'install', '--role', 'worker', '--join-dir', path.join(dir, 'w1'), '--state-dir', path.join(dir, 'worker'), '--unit-dir', units, '--node-ip', '127.0.0.1'])).stdout;
  });

  after(async () => {
    stop.abort();
    await kubeletDone?.catch(() => {});
    kubeletClient?.close();
    admin?.close();
    for (const k of kubectls) k.cleanup();
    await api?.stop();
    await etcd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the bundle and the installed files: keys private, units name the installed kubeconfigs', () => {
    for (const f of ['kubelet.conf', 'proxy.conf', 'kubelet.key']) assert.equal(fs.statSync(path.join(dir, 'w1', f)).mode & 0o777, 0o600, f);
    assert.match(installOut, /Node w1 joins https:\/\/127\.0\.0\.1:\d+/);
    assert.equal(unitFlag(path.join(units, 'kubets-kubelet.service'), '--kubeconfig'), path.join(dir, 'worker', 'kubeconfigs', 'kubelet.conf'));
    assert.equal(unitFlag(path.join(units, 'kubets-proxy.service'), '--kubeconfig'), path.join(dir, 'worker', 'kubeconfigs', 'proxy.conf'));
    assert.equal(unitFlag(path.join(units, 'kubets-kubelet.service'), '--node-name'), 'w1');
    assert.ok(!fs.existsSync(path.join(units, 'kubets-apiserver.service')));
  });

  test('the kubelet registers node w1 and renews its Lease; it cannot modify node w2', async () => {
    const unit = path.join(units, 'kubets-kubelet.service');
    kubeletClient = clientsetFromKubeconfig(unitFlag(unit, '--kubeconfig'), 'kubelet/w1');
    const fake = new FakeRuntimeService();
    kubelet = new Kubelet({
      clientset: kubeletClient, runtime: fake, images: fake, nodeName: unitFlag(unit, '--node-name'), rootDir: path.join(dir, 'worker', 'kubelet'), port: 0, address: unitFlag(unit, '--node-ip'),
      clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', clock: realClock, logger: silentLogger(),
      tls: { cert: read(unitFlag(unit, '--tls-cert-file')), key: read(unitFlag(unit, '--tls-private-key-file')), clientCA: read(unitFlag(unit, '--client-ca-file')) },
    });
    kubeletDone = kubelet.start(stop.signal);
    await eventually('node w1 registered', async () => (await code(admin.resource(R.nodes).get(undefined, 'w1'))) === 200);
    let first = '';
    await eventually('lease of w1', async () => !!(first = (await admin.resource<Lease>(R.leases).get('kube-node-lease', 'w1')).spec?.renewTime ?? ''));
    await eventually('lease of w1 renewed', async () => ((await admin.resource<Lease>(R.leases).get('kube-node-lease', 'w1')).spec?.renewTime ?? '') !== first, 60_000);
    // Another node, and what w1's credentials may not do to it.
    await admin.resource(R.nodes).create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w2' } });
    await admin.resource(R.leases).create('kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'w2', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'w2' } });
    const nodes = kubeletClient.resource(R.nodes);
    assert.equal(await code(nodes.patch(undefined, 'w2', 'merge', { metadata: { labels: { evil: 'yes' } } })), 403);
    assert.equal(await code(nodes.patch(undefined, 'w2', 'merge', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, { subresource: 'status' })), 403);
    assert.equal(await code(nodes.delete(undefined, 'w2')), 403);
    assert.equal(await code(nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w3' } })), 403);
    assert.equal(await code(kubeletClient.resource(R.leases).patch('kube-node-lease', 'w2', 'merge', { spec: { holderIdentity: 'w1' } })), 403);
    assert.equal(await code(nodes.patch(undefined, 'w1', 'merge', { metadata: { labels: { mine: 'yes' } } })), 200);
    assert.equal(await code(kubeletClient.resource(R.secrets).list('default')), 403);
  });

  test('the apiserver reaches the worker kubelet over TLS: its serving certificate names the node IP', async () => {
    await eventually('kubelet listening', async () => kubelet!.port > 0);
    const res = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: kubelet!.port, path: '/pods', ca: read(pki.ca.cert), cert: read(pki.certs['apiserver-kubelet-client']!.cert), key: read(pki.certs['apiserver-kubelet-client']!.key) }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ code: r.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.equal(res.code, 200, res.body);
    assert.equal(JSON.parse(res.body).kind, 'PodList');
  });

  test('the proxy kubeconfig lists Services and EndpointSlices but not Secrets (real kubectl)', async () => {
    const proxy = new Kubectl(unitFlag(path.join(units, 'kubets-proxy.service'), '--kubeconfig'));
    kubectls.push(proxy);
    assert.match(await proxy.ok(['get', 'services', '-A']), /kubernetes/);
    await proxy.ok(['get', 'endpointslices', '-A']);
    assert.equal((await proxy.run(['auth', 'can-i', 'watch', 'endpointslices.discovery.k8s.io'])).stdout.trim(), 'yes');
    const secrets = await proxy.run(['get', 'secrets', '-A']);
    assert.notEqual(secrets.code, 0);
    assert.match(secrets.stderr, /Forbidden.*system:kube-proxy/);
    assert.equal((await proxy.run(['auth', 'can-i', 'create', 'nodes'])).stdout.trim(), 'no');
  });
});
