// The kubelet's HTTPS port with bearer tokens: a service-account token (from `kubectl create
// token`) or a static token is verified through the apiserver's TokenReview and authorized by a
// SubjectAccessReview on nodes/<subresource>; unknown tokens and anonymous callers get 401.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signingKeyFromPem } from '../../src/apiserver/serviceaccount/jwt.js';
import { RestClientset } from '../../src/client/rest.js';
import { FakeRuntimeService } from '../../src/kubelet/cri/fake-runtime.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { ensurePki, type PkiResult } from '../../src/pki/store.js';
import { writeKubeconfigFile } from '../../src/up/kubeconfig.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';

const read = (f: string) => fs.readFileSync(f);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const NODE = 'tok-node';

describe('kubelet bearer-token authentication', () => {
  let dir: string;
  let pki: PkiResult;
  let etcd: EtcdFixture;
  let api: ApiServerFixture;
  let admin: Kubectl;
  let nodeClient: RestClientset | undefined;
  let kubelet: Kubelet | undefined;
  let kubeletDone: Promise<void> | undefined;
  const stop = new AbortController();

  const get = (p: string, token?: string) => new Promise<{ code: number; body: string }>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: kubelet!.port, path: p, ca: read(pki.ca.cert), headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubelet-token-'));
    pki = await ensurePki(path.join(dir, 'pki'), { nodeName: NODE, nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
    fs.writeFileSync(path.join(dir, 'tokens.csv'), 'carol-token,carol,uid-carol,"metrics"\n');
    etcd = await startEtcd();
    const key = signingKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    api = await startApiServer({
      etcd,
      serviceAccountTokens: { signingKey: key, issuers: ['https://kubernetes.default.svc.cluster.local'] },
      secure: { port: 0, bindAddress: '127.0.0.1', cert: read(pki.certs.apiserver!.cert), key: read(pki.certs.apiserver!.key), clientCA: read(pki.ca.cert), tokenAuthFile: path.join(dir, 'tokens.csv') },
    });
    writeKubeconfigFile(path.join(dir, 'admin.conf'), { server: api.url, caData: b64(read(pki.ca.cert)), certData: b64(read(pki.certs.admin!.cert)), keyData: b64(read(pki.certs.admin!.key)) });
    admin = new Kubectl(path.join(dir, 'admin.conf'));
    nodeClient = new RestClientset({ server: api.url, caData: read(pki.ca.cert), certData: read(pki.certs['kubelet-client']!.cert), keyData: read(pki.certs['kubelet-client']!.key), userAgent: `kubelet/${NODE}` });
    const fake = new FakeRuntimeService();
    kubelet = new Kubelet({
      clientset: nodeClient, runtime: fake, images: fake, nodeName: NODE, rootDir: path.join(dir, 'kubelet'), port: 0, address: '127.0.0.1',
      clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', clock: realClock, logger: silentLogger(),
      tls: { cert: read(pki.certs.kubelet!.cert), key: read(pki.certs.kubelet!.key), clientCA: read(pki.ca.cert) },
    });
    kubeletDone = kubelet.start(stop.signal);
    await eventually(async () => kubelet!.port > 0, 30_000, 'kubelet listening');
  });

  after(async () => {
    stop.abort();
    await kubeletDone?.catch(() => {});
    nodeClient?.close();
    admin?.cleanup();
    await api?.stop();
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a service-account token is reviewed, then authorized per subresource by SubjectAccessReview', async () => {
    await admin.ok(['create', 'serviceaccount', 'monitor', '-n', 'default']);
    await admin.ok(['create', 'clusterrole', 'node-proxy-reader', '--verb=get', '--resource=nodes/proxy']);
    await admin.ok(['create', 'clusterrolebinding', 'monitor-proxy', '--clusterrole=node-proxy-reader', '--serviceaccount=default:monitor']);
    const token = (await admin.ok(['create', 'token', 'monitor', '-n', 'default'])).trim();
    assert.match(token, /^eyJ/);
    await eventually(async () => (await admin.run(['auth', 'can-i', 'get', 'nodes', '--subresource=proxy', '--as=system:serviceaccount:default:monitor'])).stdout.trim() === 'yes', 30_000, 'the binding reached the authorizer');
    const pods = await get('/pods', token);
    assert.equal(pods.code, 200, pods.body);
    assert.equal(JSON.parse(pods.body).kind, 'PodList');
    // granted nodes/proxy only: nodes/stats is refused, naming the service account
    const stats = await get('/stats/summary', token);
    assert.equal(stats.code, 403);
    assert.match(stats.body, /user=system:serviceaccount:default:monitor, verb=get, resource=nodes, subresource\(s\)=\[stats\]/);
  });

  test('a static token is reviewed too; unknown tokens and no credentials get 401', async () => {
    const denied = await get('/pods', 'carol-token');
    assert.equal(denied.code, 403);
    assert.match(denied.body, /user=carol, verb=get/);
    await admin.ok(['create', 'clusterrole', 'node-stats-reader', '--verb=get', '--resource=nodes/stats']);
    await admin.ok(['create', 'clusterrolebinding', 'metrics-stats', '--clusterrole=node-stats-reader', '--group=metrics']);
    await eventually(async () => (await admin.run(['auth', 'can-i', 'get', 'nodes', '--subresource=stats', '--as=carol', '--as-group=metrics'])).stdout.trim() === 'yes', 30_000, 'the group binding reached the authorizer');
    assert.equal((await get('/stats/summary', 'carol-token')).code, 200);
    assert.equal((await get('/pods', 'not-a-token')).code, 401);
    assert.equal((await get('/pods', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).code, 401);
    assert.equal((await get('/pods')).code, 401);
  });
});
