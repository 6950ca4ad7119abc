// The kubelet end to end: static pods from --pod-manifest-path with their mirror pods, and
// /stats/summary on the kubelet port. Real etcd + apiserver + containerd + kubelet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, req } from '../helpers/http.js';
import { startKubeletNode, type KubeletNode } from '../helpers/kubelet-node.js';

const NS = 'kubelet-e2e-static';
const IMAGE = 'localhost:5000/busybox:v1';
let n: KubeletNode;
let manifests: string;

before(async () => {
  manifests = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-manifests-'));
  n = await startKubeletNode(NS, ['--pod-manifest-path', manifests]);
});

after(async () => {
  // Manifests out first: the kubelet stops the static pods and deletes their mirrors.
  if (manifests) for (const f of fs.readdirSync(manifests)) fs.rmSync(path.join(manifests, f));
  if (n) {
    await eventually(async () => (await n.cri.listPodSandbox({ labels: { 'io.kubernetes.pod.namespace': NS } })).length === 0, 30_000, 'static pods gone').catch(() => {});
    await n.stop();
  }
  if (manifests) fs.rmSync(manifests, { recursive: true, force: true });
});

test('a static pod runs from its manifest, is mirrored in the API, survives mirror deletion, and stops when the file goes', async () => {
  fs.writeFileSync(path.join(manifests, 'static-web.yaml'), [
    'apiVersion: v1', 'kind: Pod', `metadata: {name: static-web, namespace: ${NS}, labels: {tier: static}}`,
    `spec: {terminationGracePeriodSeconds: 1, containers: [{name: web, image: "${IMAGE}", command: [sh, -c, "echo static-up; exec sleep 3600"]}]}`, '',
  ].join('\n'));
  const name = `static-web-${n.node}`;
  const mirror = await eventually(async () => {
    const p = await n.pod(name);
    return p.status?.phase === 'Running' ? p : undefined;
  }, 60_000, 'mirror pod Running');
  const a = mirror.metadata.annotations;
  assert.equal(a['kubernetes.io/config.source'], 'file');
  assert.match(a['kubernetes.io/config.mirror'], /^[0-9a-f]{32}$/);
  assert.equal(a['kubernetes.io/config.hash'], a['kubernetes.io/config.mirror']);
  assert.deepEqual(mirror.metadata.ownerReferences.map((o: any) => [o.kind, o.name]), [['Node', n.node]]);
  assert.equal(mirror.metadata.labels.tier, 'static');
  const sandboxes = await n.cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': a['kubernetes.io/config.hash'] } });
  assert.equal(sandboxes.length, 1, 'the runtime pod carries the static uid');
  const containerID = mirror.status.containerStatuses[0].containerID;
  const logs = await n.k.ok(['logs', name, '-n', NS]);
  assert.equal(logs.trim(), 'static-up');
  // Deleting the mirror pod brings it back; the containers keep running.
  const del = await n.k.run(['delete', 'pod', name, '-n', NS]);
  assert.equal(del.code, 0, del.stderr);
  const again = await eventually(async () => {
    const p = await n.pod(name);
    return p.metadata?.uid && p.metadata.uid !== mirror.metadata.uid && p.status?.phase === 'Running' ? p : undefined;
  }, 60_000, 'mirror recreated');
  assert.equal(again.status.containerStatuses[0].containerID, containerID, 'same container');
  assert.equal(again.status.containerStatuses[0].restartCount, 0);
  // Removing the manifest stops the pod and removes the mirror.
  fs.rmSync(path.join(manifests, 'static-web.yaml'));
  await eventually(async () => (await req(n.api.url, 'GET', `/api/v1/namespaces/${NS}/pods/${name}`)).status === 404, 60_000, 'mirror removed');
  await eventually(async () => (await n.cri.listPodSandbox({ labels: { 'io.kubernetes.pod.uid': a['kubernetes.io/config.hash'] } })).length === 0, 60_000, 'static pod removed from the runtime');
});

test('/stats/summary reports node, pod and container CPU and memory from CRI stats', async () => {
  const r = await req(n.api.url, 'POST', `/api/v1/namespaces/${NS}/pods`, {
    metadata: { name: 'busy' },
    spec: { nodeName: n.node, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'x=$(head -c 8388608 /dev/zero | tr "\\0" a); exec sleep 3600'] }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const pod = await eventually(async () => {
    const p = await n.pod('busy');
    return p.status?.phase === 'Running' ? p : undefined;
  }, 60_000, 'Running');
  let last = '';
  const summary = await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${n.port}/stats/summary`);
    last = `${res.status} ${await res.clone().text()}`;
    if (!res.ok) return undefined;
    const s: any = await res.json();
    const ps = s.pods.find((x: any) => x.podRef.uid === pod.metadata.uid);
    return ps?.containers?.[0]?.memory?.workingSetBytes > 0 ? s : undefined;
  }, 30_000, 'pod stats').catch((err: Error) => assert.fail(`${err.message}; last answer: ${last.slice(0, 2000)}`));
  assert.equal(summary.node.nodeName, n.node);
  assert.ok(summary.node.cpu.usageCoreNanoSeconds > 0);
  assert.ok(summary.node.memory.workingSetBytes > 0 && summary.node.memory.availableBytes > 0);
  assert.ok(summary.node.fs.capacityBytes > 0);
  const ps = summary.pods.find((x: any) => x.podRef.uid === pod.metadata.uid);
  assert.deepEqual(ps.podRef, { name: 'busy', namespace: NS, uid: pod.metadata.uid });
  assert.equal(ps.containers[0].name, 'c');
  assert.ok(ps.containers[0].cpu.usageCoreNanoSeconds > 0, JSON.stringify(ps.containers[0]));
  assert.ok(ps.memory.workingSetBytes >= ps.containers[0].memory.workingSetBytes * 0.5, JSON.stringify(ps));
  assert.match(ps.startTime, /^\d{4}-\d\d-\d\dT/);
});
