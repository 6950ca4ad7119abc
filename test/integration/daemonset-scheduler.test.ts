// DaemonSet pods through the real scheduler: the controller pins each pod to its node with a
// metadata.name matchFields affinity and the default daemon tolerations; the scheduler binds it
// there, cordoned nodes included (as upstream).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node, Pod } from '../../src/api/types/index.js';
import { RestClientset } from '../../src/client/rest.js';
import { R } from '../../src/client/resources.js';
import { ControllerManager } from '../../src/controllers/manager.js';
import { runSchedulerApp } from '../../src/scheduler/app.js';
import { parseSchedulerConfig } from '../../src/scheduler/config.js';
import { makeNode } from '../../src/scheduler/testing/fixtures.js';
import { realClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startApiServer, startEtcd } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';

test('DaemonSet pods are bound by the scheduler to their own nodes, cordoned ones included', async () => {
  const etcd = await startEtcd();
  const api = await startApiServer({ etcd }).catch(async (e) => { await etcd.stop(); throw e; });
  const stop = new AbortController();
  const cs = new RestClientset({ server: api.url });
  const running: Promise<unknown>[] = [];
  try {
    await cs.resource<Node>(R.nodes).create(undefined, makeNode('s1'));
    await cs.resource<Node>(R.nodes).create(undefined, makeNode('s2', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }));
    await cs.resource<Node>(R.nodes).create(undefined, makeNode('s3', { labels: { role: 'other' } }));
    running.push(new ControllerManager({ clientset: cs, clock: realClock, logger: silentLogger(), controllers: 'daemonset' }).start(stop.signal));
    running.push(runSchedulerApp({ clientset: cs, config: parseSchedulerConfig('kind: KubeSchedulerConfiguration\n'), logger: silentLogger(), leaderElect: false, port: -1 }, stop.signal));
    await cs.resource<DaemonSet>(R.daemonsets).create('default', {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'img' }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['other'] }] }] } } } } },
      },
    });
    const bound = await eventually(async () => {
      const pods = (await cs.resource<Pod>(R.pods).list('default', { labelSelector: 'app=agent' })).items;
      return pods.length === 2 && pods.every((p) => p.spec.nodeName) ? pods : undefined;
    }, 30_000);
    for (const p of bound) {
      const pinned = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0];
      assert.equal(p.spec.nodeName, pinned);
    }
    assert.deepEqual(bound.map((p) => p.spec.nodeName).sort(), ['s1', 's2']);
  } finally {
    stop.abort();
    await Promise.allSettled(running);
    await api.stop();
    await etcd.stop();
  }
});
