// StatefulSet, DaemonSet, Job, CronJob and TTL-after-finished controllers against a real etcd +
// apiserver, no kubelet or scheduler (test/helpers/pod-status.ts plays the kubelet), plus the real
// kubectl for `rollout status`/`rollout history`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ControllerRevision, CronJob, DaemonSet, Job, Node, Pod, StatefulSet } from '../../src/api/types/index.js';
import { R } from '../../src/client/resources.js';
import { realClock, type Clock } from '../../src/util/clock.js';
import { renderKubeconfig } from '../../src/up/kubeconfig.js';
import { markAllReady, setPodFinished, setPodReady } from '../helpers/pod-status.js';
import { Kubectl } from '../helpers/kubectl.js';
import { startControllerCluster, type ControllerCluster } from '../helpers/controller-cluster.js';
import { waitFor } from '../helpers/wait.js';

let kubectl: Kubectl | undefined;
let tmp: string | undefined;
let cluster: ControllerCluster | undefined;
let cs: ControllerCluster['cs'];
const ns = 'default';
/** The controller-manager's clock runs `skew` ms ahead of the wall clock (the CronJob test moves it). */
let skew = 0;
const clock: Clock = { now: () => Date.now() + skew, sleep: (ms, s) => realClock.sleep(ms, s) };

const podsOf = async (sel: string) => (await cs.resource<Pod>(R.pods).list(ns, { labelSelector: sel })).items.filter((p) => !p.metadata.deletionTimestamp);
const namesOf = (pods: Pod[]) => pods.map((p) => p.metadata.name!).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  cluster = await startControllerCluster({ clock, jobBackoffBaseMs: 300, controllers: 'statefulset,daemonset,job,cronjob,ttl-after-finished' });
  cs = cluster.cs;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-workloads-'));
  const kubeconfig = path.join(tmp, 'kubeconfig');
  fs.writeFileSync(kubeconfig, renderKubeconfig({ server: cluster.api.url }));
  kubectl = new Kubectl(kubeconfig);
});

after(async () => {
  kubectl?.cleanup();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  await cluster?.stop();
});

const template = (app: string, image: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image }] },
});

test('StatefulSet: ordered scale up and down, partitioned rolling update, revisions, kubectl rollout status', async () => {
  const sets = cs.resource<StatefulSet>(R.statefulsets);
  await sets.create(ns, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
    spec: { replicas: 3, serviceName: 'db-headless', selector: { matchLabels: { app: 'db' } }, template: template('db', 'img:1') },
  });
  // 1. One at a time: db-1 appears only once db-0 is ready, db-2 once db-1 is.
  for (let i = 0; i < 3; i++) {
    await waitFor(`db-${i} created`, async () => (await podsOf('app=db')).length === i + 1);
    await sleep(300);
    assert.deepEqual(namesOf(await podsOf('app=db')), Array.from({ length: i + 1 }, (_, k) => `db-${k}`), 'no pod before its predecessor is ready');
    await setPodReady(cs, ns, `db-${i}`);
  }
  const p0 = await cs.resource<Pod>(R.pods).get(ns, 'db-0');
  assert.equal(p0.spec.hostname, 'db-0');
  assert.equal(p0.spec.subdomain, 'db-headless');
  assert.equal(p0.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-0');
  assert.equal(p0.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
  const s1 = await waitFor('status', async () => {
    const s = await sets.get(ns, 'db');
    return s.status?.readyReplicas === 3 && s.status.availableReplicas === 3 && s.status.currentReplicas === 3 && s;
  });
  assert.equal(s1.status!.currentRevision, s1.status!.updateRevision);
  assert.equal(p0.metadata.labels?.['controller-revision-hash'], s1.status!.updateRevision);
  // The apiserver defaults rollingUpdate.partition to 0, so kubectl reports a partitioned rollout (as upstream).
  assert.match(await kubectl!.ok(['rollout', 'status', 'statefulset/db', '--timeout=30s']), /partitioned roll out complete: 3 new pods have been updated/);

  // 2. Scale down to 1: db-2 goes first, then db-1.
  const list = await cs.resource<Pod>(R.pods).list(ns, { labelSelector: 'app=db' });
  const watchStop = new AbortController();
  const deleted: string[] = [];
  const watching = (async () => {
    for await (const ev of cs.resource<Pod>(R.pods).watch(ns, { labelSelector: 'app=db', resourceVersion: list.metadata.resourceVersion }, watchStop.signal)) {
      if (ev.type === 'DELETED') deleted.push(ev.object.metadata.name!);
    }
  })().catch(() => undefined);
  try {
    await sets.patch(ns, 'db', 'merge', { spec: { replicas: 1 } });
    await waitFor('scaled to 1', async () => deleted.length === 2);
  } finally {
    watchStop.abort();
    await watching;
  }
  assert.deepEqual(deleted, ['db-2', 'db-1']);
  assert.deepEqual(namesOf(await podsOf('app=db')), ['db-0']);

  // 3. Back to 3, then a rolling update with partition 1: db-2 then db-1 move, db-0 stays.
  await sets.patch(ns, 'db', 'merge', { spec: { replicas: 3 } });
  await waitFor('3 ready', async () => {
    await markAllReady(cs, ns, 'app=db');
    return (await sets.get(ns, 'db')).status?.readyReplicas === 3;
  });
  await sets.patch(ns, 'db', 'merge', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
  const order: string[] = [];
  const s2 = await waitFor('partitioned update', async () => {
    const pods = await podsOf('app=db');
    for (const p of pods) if (p.spec.containers[0]!.image === 'img:2' && !order.includes(p.metadata.name!)) order.push(p.metadata.name!);
    await markAllReady(cs, ns, 'app=db');
    const s = await sets.get(ns, 'db');
    return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 && (s.status.observedGeneration ?? 0) >= (s.metadata.generation ?? 0) && s;
  });
  assert.deepEqual(order, ['db-2', 'db-1']);
  assert.equal((await cs.resource<Pod>(R.pods).get(ns, 'db-0')).spec.containers[0]!.image, 'img:1');
  assert.notEqual(s2.status!.currentRevision, s2.status!.updateRevision);
  assert.match(await kubectl!.ok(['rollout', 'status', 'statefulset/db', '--timeout=30s']), /partitioned roll out complete: 2 new pods have been updated/);
  const revs = (await cs.resource<ControllerRevision>(R.controllerrevisions).list(ns)).items.filter((r) => r.metadata.ownerReferences?.[0]?.name === 'db');
  assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
  assert.match(await kubectl!.ok(['rollout', 'history', 'statefulset/db']), /REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>/);
  // 4. Partition 0 finishes the rollout; currentRevision catches up.
  await sets.patch(ns, 'db', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
  await waitFor('full update', async () => {
    await markAllReady(cs, ns, 'app=db');
    const s = await sets.get(ns, 'db');
    return s.status?.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision;
  });
  assert.match(await kubectl!.ok(['rollout', 'status', 'statefulset/db', '--timeout=30s']), /partitioned roll out complete: 3 new pods have been updated/);
  // 5. kubectl rollout undo applies revision 1's data: the template goes back and revision 1 becomes revision 3.
  assert.match(await kubectl!.ok(['rollout', 'undo', 'statefulset/db', '--to-revision=1']), /statefulset.apps\/db rolled back/);
  await waitFor('rolled back', async () => {
    await markAllReady(cs, ns, 'app=db');
    const pods = await podsOf('app=db');
    const s = await sets.get(ns, 'db');
    return s.status?.updatedReplicas === 3 && s.status.readyReplicas === 3 && pods.length === 3 && pods.every((p) => p.spec.containers[0]!.image === 'img:1');
  });
  const after = (await cs.resource<ControllerRevision>(R.controllerrevisions).list(ns)).items.filter((r) => r.metadata.ownerReferences?.[0]?.name === 'db');
  assert.deepEqual(after.map((r) => r.revision).sort(), [2, 3]);
});

test('DaemonSet: a pod per eligible node, a new node gets one, a NoExecute taint evicts, rolling update', async () => {
  const nodes = cs.resource<Node>(R.nodes);
  const mkNode = (name: string) => nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} });
  await mkNode('dn1');
  await mkNode('dn2');
  const dss = cs.resource<DaemonSet>(R.daemonsets);
  await dss.create(ns, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', 'img:1') } });
  const target = (p: Pod) => p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0];
  const onNodes = async () => (await podsOf('app=agent')).map(target).sort().join(',');
  await waitFor('pods on dn1, dn2', async () => (await onNodes()) === 'dn1,dn2');
  const pod = (await podsOf('app=agent'))[0]!;
  assert.ok(pod.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'));
  assert.equal(pod.metadata.labels?.['pod-template-generation'], '1');
  await mkNode('dn3');
  await waitFor('pod on the new node', async () => (await onNodes()) === 'dn1,dn2,dn3');
  const n1 = await nodes.get(undefined, 'dn1');
  await nodes.update(undefined, { ...n1, spec: { ...n1.spec, taints: [{ key: 'maintenance', effect: 'NoExecute' }] } });
  await waitFor('evicted from the tainted node', async () => (await onNodes()) === 'dn2,dn3');
  const ds1 = await waitFor('status', async () => {
    await markAllReady(cs, ns, 'app=agent');
    const d = await dss.get(ns, 'agent');
    return d.status?.desiredNumberScheduled === 2 && d.status.numberReady === 2 && d.status.numberAvailable === 2 && d.status.updatedNumberScheduled === 2 && d;
  });
  assert.equal(ds1.status!.currentNumberScheduled, 2);
  assert.equal(ds1.status!.numberMisscheduled, 0);
  assert.match(await kubectl!.ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /daemon set "agent" successfully rolled out/);
  // Rolling update, maxUnavailable 1: never fewer than one ready pod of two.
  await dss.patch(ns, 'agent', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
  let minReady = Infinity;
  await waitFor('rolled', async () => {
    const pods = await podsOf('app=agent');
    minReady = Math.min(minReady, pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
    await markAllReady(cs, ns, 'app=agent');
    const d = await dss.get(ns, 'agent');
    return (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && d.status?.updatedNumberScheduled === 2 && d.status.numberAvailable === 2 && pods.length === 2 && pods.every((p) => p.spec.containers[0]!.image === 'img:2');
  });
  assert.ok(minReady >= 1, `at most one unavailable (saw ${minReady} ready)`);
  assert.match(await kubectl!.ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /successfully rolled out/);
  assert.match(await kubectl!.ok(['rollout', 'history', 'daemonset/agent']), /1\s+<none>\s+2\s+<none>/);
});

const jobs = () => cs.resource<Job>(R.jobs);
const jobPods = async (name: string) => (await cs.resource<Pod>(R.pods).list(ns, { labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
const cond = (j: Job, type: string) => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');

test('Job: completions with parallelism, finalizer tracking, Complete condition', async () => {
  await jobs().create(ns, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'work' }, spec: { completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } });
  let maxActive = 0;
  const done = await waitFor('complete', async () => {
    const pods = await jobPods('work');
    const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && !p.metadata.deletionTimestamp);
    maxActive = Math.max(maxActive, active.length);
    for (const p of active) {
      assert.ok(p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking'));
      assert.equal(p.metadata.labels?.['controller-uid'], p.metadata.labels?.['batch.kubernetes.io/controller-uid']);
      await setPodFinished(cs, ns, p.metadata.name!, 'Succeeded');
    }
    const j = await jobs().get(ns, 'work');
    return cond(j, 'Complete') && j;
  });
  assert.ok(maxActive <= 2, `parallelism respected (saw ${maxActive})`);
  assert.equal(done.status!.succeeded, 3);
  assert.equal(done.status!.failed, 0);
  assert.equal(done.status!.active, 0);
  assert.ok(done.status!.completionTime && done.status!.startTime);
  assert.ok(cond(done, 'SuccessCriteriaMet'));
  assert.deepEqual(done.status!.uncountedTerminatedPods, {});
  const pods = await jobPods('work');
  assert.equal(pods.length, 3);
  for (const p of pods) assert.ok(!p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking'), 'finalizers removed');
  assert.match(await kubectl!.ok(['get', 'job', 'work']), /work\s+Complete\s+3\/3/);
  const described = await kubectl!.ok(['describe', 'job', 'work']);
  assert.match(described, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 3 Succeeded \/ 0 Failed/);
  assert.match(described, /Normal\s+Completed\s+.*Job completed/);
});

test('Job: pod failures beyond backoffLimit fail the job after back-off', async () => {
  await jobs().create(ns, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'flaky' }, spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } });
  const failed = await waitFor('failed', async () => {
    for (const p of await jobPods('flaky')) if (p.status?.phase !== 'Failed') await setPodFinished(cs, ns, p.metadata.name!, 'Failed');
    const j = await jobs().get(ns, 'flaky');
    return cond(j, 'Failed') && j;
  });
  assert.equal(cond(failed, 'Failed')!.reason, 'BackoffLimitExceeded');
  assert.equal(cond(failed, 'FailureTarget')!.reason, 'BackoffLimitExceeded');
  assert.equal(failed.status!.failed, 2);
  assert.equal((await jobPods('flaky')).length, 2);
});

test('Job: podFailurePolicy ignores exit code 1 and fails the job on exit code 42', async () => {
  await jobs().create(ns, {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'policy' },
    spec: {
      backoffLimit: 0,
      podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }, { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } }] },
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } },
    },
  });
  const first = await waitFor('pod', async () => (await jobPods('policy'))[0]);
  await setPodFinished(cs, ns, first.metadata.name!, 'Failed', 1);
  const second = await waitFor('replacement', async () => (await jobPods('policy')).find((p) => p.metadata.name !== first.metadata.name));
  const j1 = await jobs().get(ns, 'policy');
  assert.equal(j1.status?.failed ?? 0, 0, 'ignored failure not counted');
  assert.equal(cond(j1, 'Failed'), undefined);
  await setPodFinished(cs, ns, second.metadata.name!, 'Failed', 42);
  const j2 = await waitFor('failed', async () => {
    const j = await jobs().get(ns, 'policy');
    return cond(j, 'Failed') && j;
  });
  assert.equal(cond(j2, 'Failed')!.reason, 'PodFailurePolicy');
  assert.equal(cond(j2, 'Failed')!.message, `Container c for pod default/${second.metadata.name} failed with exit code 42 matching FailJob rule at index 1`);
  assert.equal(j2.status!.failed, 1);
});

test('Job: Indexed completion mode gives each pod its index, hostname and env', async () => {
  await jobs().create(ns, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'idx' }, spec: { completions: 3, parallelism: 3, completionMode: 'Indexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } });
  const pods = await waitFor('3 pods', async () => {
    const p = await jobPods('idx');
    return p.length === 3 && p;
  });
  const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
  assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
  const p1 = byIndex.get('1')!;
  assert.equal(p1.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '1');
  assert.equal(p1.spec.hostname, 'idx-1');
  assert.ok(p1.metadata.name!.startsWith('idx-1-'));
  assert.ok(p1.spec.containers[0]!.env?.some((e) => e.name === 'JOB_COMPLETION_INDEX'));
  await setPodFinished(cs, ns, p1.metadata.name!, 'Succeeded');
  await waitFor('index 1 recorded', async () => (await jobs().get(ns, 'idx')).status?.completedIndexes === '1');
  await setPodFinished(cs, ns, byIndex.get('0')!.metadata.name!, 'Succeeded');
  await setPodFinished(cs, ns, byIndex.get('2')!.metadata.name!, 'Succeeded');
  const j = await waitFor('complete', async () => {
    const x = await jobs().get(ns, 'idx');
    return cond(x, 'Complete') && x;
  });
  assert.equal(j.status!.completedIndexes, '0-2');
  assert.equal(j.status!.succeeded, 3);
});

test('Job: activeDeadlineSeconds fails the job and stops its pods; suspend and resume', async () => {
  await jobs().create(ns, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'slow' }, spec: { activeDeadlineSeconds: 2, parallelism: 2, completions: 4, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } });
  await waitFor('2 pods', async () => (await jobPods('slow')).length === 2);
  const failed = await waitFor('deadline', async () => {
    const j = await jobs().get(ns, 'slow');
    return cond(j, 'Failed') && j;
  });
  assert.equal(cond(failed, 'Failed')!.reason, 'DeadlineExceeded');
  assert.equal(cond(failed, 'Failed')!.message, 'Job was active longer than specified deadline');
  assert.equal(failed.status!.active, 0);
  assert.equal((await jobPods('slow')).length, 0, 'pods stopped (and their finalizers released)');

  await jobs().create(ns, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'later' }, spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } });
  const suspended = await waitFor('suspended', async () => {
    const j = await jobs().get(ns, 'later');
    return cond(j, 'Suspended') && j;
  });
  assert.equal(cond(suspended, 'Suspended')!.reason, 'JobSuspended');
  assert.equal(suspended.status!.startTime, undefined);
  assert.equal((await jobPods('later')).length, 0);
  await jobs().patch(ns, 'later', 'merge', { spec: { suspend: false } });
  const resumed = await waitFor('resumed', async () => {
    const j = await jobs().get(ns, 'later');
    return (await jobPods('later')).length === 1 && j.status?.startTime ? j : undefined;
  });
  assert.equal(resumed.status!.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
});

test('TTL-after-finished deletes a finished job', async () => {
  await jobs().create(ns, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'short' }, spec: { ttlSecondsAfterFinished: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } });
  const pod = await waitFor('pod', async () => (await jobPods('short'))[0]);
  await setPodFinished(cs, ns, pod.metadata.name!, 'Succeeded');
  await waitFor('complete', async () => cond(await jobs().get(ns, 'short'), 'Complete'));
  await waitFor('deleted', async () => !(await jobs().list(ns)).items.some((j) => j.metadata.name === 'short'), 20_000);
});

test('CronJob: fires at the minute with the upstream name and annotation, tracks active and last success', async () => {
  // Move the controllers' clock to 3 s before the next minute, so the test does not wait for one.
  const toMinute = 60_000 - (Date.now() % 60_000);
  skew = toMinute > 5_000 ? toMinute - 3_000 : 0;
  const cjs = cs.resource<CronJob>(R.cronjobs);
  await cjs.create(ns, {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' },
    spec: { schedule: '* * * * *', concurrencyPolicy: 'Forbid', jobTemplate: { metadata: { labels: { from: 'tick' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img' }] } } } } },
  });
  const job = await waitFor('job created', async () => (await jobs().list(ns, { labelSelector: 'from=tick' })).items[0], 20_000);
  const minute = Number(/^tick-(\d+)$/.exec(job.metadata.name!)?.[1]);
  assert.ok(minute > 0, job.metadata.name);
  assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(minute * 60_000).toISOString().replace('.000Z', 'Z'));
  assert.equal(job.metadata.ownerReferences?.[0]?.kind, 'CronJob');
  const cj1 = await waitFor('active', async () => {
    const c = await cjs.get(ns, 'tick');
    return c.status?.active?.length === 1 && c;
  });
  assert.equal(cj1.status!.active![0]!.name, job.metadata.name);
  assert.equal(Date.parse(cj1.status!.lastScheduleTime!), minute * 60_000);
  const pod = await waitFor('job pod', async () => (await jobPods(job.metadata.name!))[0]);
  await setPodFinished(cs, ns, pod.metadata.name!, 'Succeeded');
  const cj2 = await waitFor('last success', async () => {
    const c = await cjs.get(ns, 'tick');
    return !c.status?.active?.length && c.status?.lastSuccessfulTime ? c : undefined;
  });
  assert.ok(Date.parse(cj2.status!.lastSuccessfulTime!) >= minute * 60_000 - 60_000);
  await cjs.patch(ns, 'tick', 'merge', { spec: { suspend: true } });
});

test('the workload examples apply with kubectl and their controllers act on them', async () => {
  await kubectl!.ok(['create', 'namespace', 'examples']);
  for (const f of ['statefulset', 'daemonset', 'job', 'cronjob']) {
    await kubectl!.ok(['apply', '-n', 'examples', '-f', path.join(import.meta.dirname, '../../examples', `${f}.yaml`)]);
  }
  const inEx = async (sel: string) => (await cs.resource<Pod>(R.pods).list('examples', { labelSelector: sel })).items;
  const web0 = await waitFor('web-0', async () => (await inEx('app=web-sts')).find((p) => p.metadata.name === 'web-0'));
  assert.equal(web0.spec.subdomain, 'web-headless');
  await waitFor('a node-agent pod per schedulable node', async () => (await inEx('app=node-agent')).length >= 2);
  await waitFor('a job pod', async () => (await inEx('batch.kubernetes.io/job-name=count')).length === 1);
  assert.match(await kubectl!.ok(['get', 'cronjob', '-n', 'examples']), /tick\s+\* \* \* \* \*/);
});
