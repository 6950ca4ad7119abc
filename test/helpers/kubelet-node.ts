// One kubelet node for e2e tests: real etcd + apiserver + containerd + `kubets kubelet`, and a
// namespace for the test's pods. stop() deletes the pods through the API, then removes whatever
// sandboxes of that namespace remain in containerd, then stops the processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdFixture } from './cluster.js';
import { startApiServerProcess, startKubets, type ApiProcFixture, type ProcFixture } from './processes.js';
import { CRI_ENDPOINT, ensureRuntime, type RuntimeFixture } from './containerd.js';
import { eventually, req } from './http.js';
import { Kubectl } from './kubectl.js';
import { freePort } from './ports.js';
import { CriClient } from '../../src/kubelet/cri/grpc-client.js';

/** A running node and its API: `pod(name)` reads a pod, `events(name)` its event reasons. */
export interface KubeletNode {
  node: string;
  ns: string;
  api: ApiProcFixture;
  kubelet: ProcFixture;
  kubeletArgs: string[];
  root: string;
  port: number;
  k: Kubectl;
  cri: CriClient;
  pod(name: string): Promise<any>;
  events(name: string): Promise<{ reason: string; message: string; type: string }[]>;
  restartKubelet(extra?: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the node; `extraArgs` go to the kubelet. */
export async function startKubeletNode(ns: string, extraArgs: string[] = []): Promise<KubeletNode> {
  const node = `e2e-node-${randomUUID().slice(0, 6)}`;
  const runtime: RuntimeFixture = await ensureRuntime();
  let etcd: EtcdFixture | undefined;
  let api: ApiProcFixture | undefined;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubelet-'));
  const cri = new CriClient({ endpoint: CRI_ENDPOINT });
  try {
    etcd = await startEtcd();
    api = await startApiServerProcess(etcd.endpoint);
  } catch (err) {
    await etcd?.stop();
    await runtime.stop();
    cri.close();
    throw err;
  }
  const port = await freePort();
  const kubeletArgs = ['kubelet', '--kubeconfig', api.kubeconfig, '--node-name', node, '--container-runtime-endpoint', CRI_ENDPOINT, '--root-dir', root, '--port', String(port), '--node-ip', '127.0.0.1', '--pod-cidr', '10.244.0.0/24', ...extraArgs];
  const a = api;
  const k = new Kubectl(a.kubeconfig);
  const self: KubeletNode = {
    node, ns, api: a, kubeletArgs, root, port, k, cri,
    kubelet: startKubets(kubeletArgs, { KUBETS_LOG_LEVEL: 'warn' }),
    pod: async (name) => (await req(a.url, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`)).body,
    events: async (name) => (await req(a.url, 'GET', `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${name}`)).body.items ?? [],
    async restartKubelet(extra = []) {
      await self.kubelet.stop();
      self.kubelet = startKubets([...kubeletArgs, ...extra], { KUBETS_LOG_LEVEL: 'warn' });
    },
    async stop() {
      const pods = (await req(a.url, 'GET', `/api/v1/namespaces/${ns}/pods`).catch(() => ({ body: { items: [] } }))).body.items ?? [];
      for (const p of pods) await req(a.url, 'DELETE', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}`, { gracePeriodSeconds: 1 }).catch(() => {});
      await eventually(async () => ((await req(a.url, 'GET', `/api/v1/namespaces/${ns}/pods`)).body.items ?? []).length === 0, 30_000, 'pods gone').catch(() => {});
      await self.kubelet.stop();
      for (const s of await cri.listPodSandbox({ labels: { 'io.kubernetes.pod.namespace': ns } }).catch(() => [])) {
        await cri.stopPodSandbox(s.id).catch(() => {});
        await cri.removePodSandbox(s.id).catch(() => {});
      }
      cri.close();
      k.cleanup();
      await a.stop();
      await etcd?.stop();
      await runtime.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await eventually(async () => (await req(a.url, 'GET', `/api/v1/nodes/${node}`)).status === 200, 30_000, `node registered: ${self.kubelet.output()}`);
    await req(a.url, 'POST', '/api/v1/namespaces', { metadata: { name: ns } });
  } catch (err) {
    await self.stop();
    throw err;
  }
  return self;
}
