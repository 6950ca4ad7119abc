// The projected service-account volume end to end: real etcd + `kubets apiserver` (ServiceAccount
// admission on) + containerd + `kubets kubelet`. A pod reads /var/run/secrets/kubernetes.io/
// serviceaccount/{token,namespace,ca.crt}; the token it saw authenticates (TokenReview) as its
// account and is bound to its pod; once the pod is deleted the same token is rejected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdFixture } from '../helpers/cluster.js';
import { startApiServerProcess, startKubets, type ApiProcFixture, type ProcFixture } from '../helpers/processes.js';
import { CRI_ENDPOINT, ensureRuntime, type RuntimeFixture } from '../helpers/containerd.js';
import { eventually, req } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';
import { freePort } from '../helpers/ports.js';

const NODE = `e2e-token-${randomUUID().slice(0, 6)}`;
const NS = 'token-e2e';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBtokenE2E\n-----END CERTIFICATE-----\n';
let etcd: EtcdFixture;
let api: ApiProcFixture;
let runtime: RuntimeFixture;
let kubelet: ProcFixture;
let root: string;
let k: Kubectl;

before(async () => {
  runtime = await ensureRuntime();
  etcd = await startEtcd();
  api = await startApiServerProcess(etcd.endpoint, ['--disable-admission-plugins=']);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubelet-token-'));
  const port = await freePort();
  kubelet = startKubets(['kubelet', '--kubeconfig', api.kubeconfig, '--node-name', NODE, '--container-runtime-endpoint', CRI_ENDPOINT, '--root-dir', root, '--port', String(port), '--node-ip', '127.0.0.1', '--pod-cidr', '10.244.0.0/24'], { KUBETS_LOG_LEVEL: 'warn' });
  await eventually(async () => (await req(api.url, 'GET', `/api/v1/nodes/${NODE}`)).status === 200, 30_000, `node registered: ${kubelet.output()}`);
  await req(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: NS } });
  // What the controller-manager would make: the default account and the CA ConfigMap.
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: 'default' } });
  await req(api.url, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': CA } });
  k = new Kubectl(api.kubeconfig);
});

after(async () => {
  if (api) {
    const pods = (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods`).catch(() => ({ body: { items: [] } }))).body.items ?? [];
    for (const p of pods) await req(api.url, 'DELETE', `/api/v1/namespaces/${NS}/pods/${p.metadata.name}`, { gracePeriodSeconds: 1 }).catch(() => {});
    await eventually(async () => ((await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods`)).body.items ?? []).length === 0, 30_000, 'pods gone').catch(() => {});
  }
  await kubelet?.stop();
  const cri = new CriClient({ endpoint: CRI_ENDPOINT });
  for (const s of await cri.listPodSandbox({ labels: { 'io.kubernetes.pod.namespace': NS } }).catch(() => [])) {
    await cri.stopPodSandbox(s.id).catch(() => {});
    await cri.removePodSandbox(s.id).catch(() => {});
  }
  cri.close();
  k?.cleanup();
  await api?.stop();
  await etcd?.stop();
  await runtime?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('a pod reads its projected token, namespace and CA; the token is its own and dies with the pod', async () => {
  const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
  const pod = {
    metadata: { name: 'reader' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: 'localhost:5000/busybox:v1', command: ['sh', '-c', `echo "TOKEN=$(cat ${dir}/token)"; echo "NS=$(cat ${dir}/namespace)"; cat ${dir}/ca.crt; exec sleep 3600`] }],
    },
  };
  const created = await req(api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, pod);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const uid = created.body.metadata.uid;
  const logs = await eventually(async () => {
    const r = await k.run(['logs', '-n', NS, 'reader']);
    return r.code === 0 && /TOKEN=\S+/.test(r.stdout) && r.stdout.includes('END CERTIFICATE') ? r.stdout : undefined;
  }, 120_000, `pod logs: ${kubelet.output()}`);
  const token = /TOKEN=(\S+)/.exec(logs)![1]!;
  assert.match(logs, new RegExp(`NS=${NS}`));
  assert.ok(logs.includes('MIIBtokenE2E'));
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(claims['kubernetes.io'].pod, { name: 'reader', uid });
  assert.equal(claims['kubernetes.io'].node.name, NODE);
  assert.equal(claims.exp - claims.iat, 3607);
  const review = await req(api.url, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } });
  assert.equal(review.body.status.authenticated, true);
  assert.equal(review.body.status.user.username, `system:serviceaccount:${NS}:default`);
  await req(api.url, 'DELETE', `/api/v1/namespaces/${NS}/pods/reader`, { gracePeriodSeconds: 1 });
  await eventually(async () => (await req(api.url, 'GET', `/api/v1/namespaces/${NS}/pods/reader`)).status === 404, 60_000, 'pod gone');
  const after = await req(api.url, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } });
  assert.notEqual(after.body.status.authenticated, true);
});
