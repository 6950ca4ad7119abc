import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedulerConfig } from './config.js';

test('KubeSchedulerConfiguration: profiles, enable/disable with *, weights, pluginConfig, percentage', () => {
  const cfg = parseSchedulerConfig(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
leaderElection:
  leaderElect: true
  leaseDuration: 5s
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      disabled: [{name: "*"}]
      enabled: [{name: NodeResourcesFit, weight: 5}]
  pluginConfig:
  - name: NodeResourcesFit
    args: {scoringStrategy: {type: MostAllocated}}
- schedulerName: no-taints
  plugins:
    filter:
      disabled: [{name: TaintToleration}]
    score:
      enabled: [{name: ImageLocality, weight: 7}]
`);
  assert.deepEqual(cfg.profiles.map((p) => p.schedulerName), ['default-scheduler', 'no-taints']);
  const [a, b] = cfg.profiles;
  assert.deepEqual(a!.plugins.score, [{ name: 'NodeResourcesFit', weight: 5 }]);
  assert.deepEqual(a!.pluginConfig.NodeResourcesFit, { scoringStrategy: { type: 'MostAllocated' } });
  assert.equal(a!.percentageOfNodesToScore, 30);
  assert.equal(b!.plugins.filter.some((r) => r.name === 'TaintToleration'), false);
  assert.equal(b!.plugins.score.find((r) => r.name === 'ImageLocality')!.weight, 7);
  assert.equal(cfg.leaderElection.leaderElect, true);
  assert.equal(cfg.leaderElection.leaseDurationMs, 5000);
  assert.throws(() => parseSchedulerConfig('profiles: [{schedulerName: x}, {schedulerName: x}]'), /duplicate/);
});
