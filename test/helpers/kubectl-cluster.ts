// A real etcd, an in-process apiserver and the real kubectl bound to it through its own kubeconfig.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiServerOptions } from '../../src/apiserver/server.js';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from './cluster.js';
import { Kubectl } from './kubectl.js';

/** Contract: everything started here is removed by `stop`, which is safe to call after a failed start. */
export interface KubectlCluster {
  etcd: EtcdFixture;
  api: ApiServerFixture;
  kubectl: Kubectl;
  stop(): Promise<void>;
}

export async function startKubectlCluster(opts: Partial<ApiServerOptions> = {}): Promise<KubectlCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-kubectl-cluster-'));
  const c: Partial<KubectlCluster> = {};
  const stop = async () => {
    c.kubectl?.cleanup();
    await c.api?.stop();
    await c.etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    c.etcd = await startEtcd();
    c.api = await startApiServer({ etcd: c.etcd, ...opts });
    fs.writeFileSync(path.join(dir, 'kubeconfig'), renderKubeconfig({ server: c.api.url }));
    c.kubectl = new Kubectl(path.join(dir, 'kubeconfig'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { etcd: c.etcd, api: c.api, kubectl: c.kubectl, stop };
}
