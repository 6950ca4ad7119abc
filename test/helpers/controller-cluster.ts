// A real etcd + in-process apiserver with a controller-manager running the named controllers, for
// controller integration tests (no kubelet or scheduler; test/helpers/pod-status.ts plays the kubelet).
import { RestClientset } from '../../src/client/rest.js';
import { ControllerManager, type ManagerOptions } from '../../src/controllers/manager.js';
import { realClock, type Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from './cluster.js';

/** Contract: `stop` ends the controllers, then the apiserver and etcd; safe after a partial start. */
export interface ControllerCluster {
  etcd: EtcdFixture;
  api: ApiServerFixture;
  cs: RestClientset;
  stop(): Promise<void>;
}

/** Steps: 1. etcd; 2. apiserver over it; 3. a clientset; 4. the controller-manager with `controllers` (comma list) on `clock`. */
export async function startControllerCluster(o: { controllers: string; clock?: Clock; jobBackoffBaseMs?: number }): Promise<ControllerCluster> {
  const etcd = await startEtcd();
  let api: ApiServerFixture;
  try {
    api = await startApiServer({ etcd });
  } catch (e) {
    await etcd.stop();
    throw e;
  }
  const cs = new RestClientset({ server: api.url });
  const abort = new AbortController();
  const running = new ControllerManager({ clientset: cs, clock: o.clock ?? realClock, logger: silentLogger(), controllers: o.controllers, jobBackoffBaseMs: o.jobBackoffBaseMs } satisfies ManagerOptions).start(abort.signal);
  return {
    etcd, api, cs,
    async stop() {
      abort.abort();
      await running.catch(() => undefined);
      await api.stop();
      await etcd.stop();
    },
  };
}
