import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, defaultJobSelector, defaultPullPolicy, podQOSClass } from './index.js';
import { manifest } from '../validation/testdata.js';
import type { CronJob, DaemonSet, Deployment, Job, KubeObject, Namespace, Pod, Secret, Service, StatefulSet } from '../types/index.js';

function defaulted<T extends KubeObject>(resource: string, o: KubeObject = manifest(resource)): T {
  applyDefaults(resource, o);
  return o as T;
}

test('pod defaults', () => {
  const p = defaulted<Pod>('pods');
  const s = p.spec;
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.deepEqual(s.securityContext, {});
  assert.equal(s.enableServiceLinks, true);
  assert.equal(s.serviceAccountName, 'default');
  assert.equal(s.serviceAccount, 'default');
  // Priority admission, not defaulting, sets these (from the PriorityClass).
  assert.equal(s.preemptionPolicy, undefined);
  assert.equal(s.priority, undefined);
  const c = s.containers[0]!;
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.ports![0]!.protocol, 'TCP');
  assert.deepEqual(
    { ...c.readinessProbe, httpGet: undefined },
    { httpGet: undefined, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
  );
  assert.equal(c.readinessProbe!.httpGet!.scheme, 'HTTP');
  assert.equal(s.volumes![0]!.configMap!.defaultMode, 420);
  assert.equal(s.tolerations![0]!.operator, 'Equal');
  assert.equal(p.status!.phase, 'Pending');
  assert.equal(p.status!.qosClass, 'Burstable');
});

test('pod defaults keep explicit values and fill odd cases', () => {
  const p = manifest('pods') as Pod;
  p.spec.restartPolicy = 'Never';
  p.spec.serviceAccount = 'legacy';
  p.spec.volumes!.push({ name: 'bare' } as never, { name: 'hp', hostPath: { path: '/x' } });
  p.spec.containers[0]!.readinessProbe = { httpGet: { port: 80 } };
  p.spec.tolerations = [{ key: 'k', operator: 'Exists' }, { key: 'j', value: 'v' }];
  applyDefaults('pods', p);
  assert.equal(p.spec.restartPolicy, 'Never');
  assert.equal(p.spec.serviceAccountName, 'legacy');
  assert.deepEqual(p.spec.volumes![2], { name: 'bare', emptyDir: {} });
  assert.equal(p.spec.volumes![3]!.hostPath!.type, '');
  assert.equal(p.spec.containers[0]!.readinessProbe!.httpGet!.path, '/');
  assert.equal(p.spec.tolerations[0]!.operator, 'Exists');
  assert.equal(p.spec.tolerations[1]!.operator, 'Equal');
});

test('image pull policy', () => {
  const cases: [string | undefined, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['127.0.0.1:5000/busybox', 'Always'],
    ['127.0.0.1:5000/busybox:1', 'IfNotPresent'],
    ['busybox@sha256:abcd', 'IfNotPresent'],
  ];
  for (const [img, want] of cases) assert.equal(defaultPullPolicy(img), want, String(img));
});

test('QoS classes', () => {
  const pod = (resources: object[]): Pod => ({ metadata: {}, spec: { containers: resources.map((r, i) => ({ name: `c${i}`, resources: r })) } }) as Pod;
  const cases: [object[], string][] = [
    [[{}], 'BestEffort'],
    [[{ limits: { cpu: '1', memory: '1Gi' } }], 'Burstable'], // requests not yet defaulted from limits here
    [[{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    [[{ requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    [[{ requests: { cpu: '500m' }, limits: { cpu: '1', memory: '1Gi' } }], 'Burstable'],
    [[{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, {}], 'Burstable'],
    [[{ requests: { cpu: '100m' } }], 'Burstable'],
  ];
  for (const [res, want] of cases) assert.equal(podQOSClass(pod(res)), want, JSON.stringify(res));
  // Through applyDefaults, limits-only containers get requests = limits and are Guaranteed.
  const p = pod([{ limits: { cpu: '1', memory: '1Gi' } }]);
  applyDefaults('pods', p);
  assert.equal(p.status!.qosClass, 'Guaranteed');
});

test('service defaults', () => {
  const s = defaulted<Service>('services');
  assert.equal(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.sessionAffinity, 'None');
  assert.equal(s.spec.ports![0]!.protocol, 'TCP');
  assert.equal(s.spec.ports![1]!.targetPort, 8443);
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec.externalTrafficPolicy, undefined);
  const np = manifest('services') as Service;
  np.spec.type = 'NodePort';
  delete np.spec.ports![0]!.targetPort;
  applyDefaults('services', np);
  assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
  assert.equal(np.spec.ports![0]!.targetPort, 80);
});

test('workload defaults', () => {
  const d = defaulted<Deployment>('deployments', (() => { const m = manifest('deployments') as Deployment; delete m.spec.replicas; return m; })());
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  assert.equal(d.spec.template.spec.priority, undefined, 'templates do not get pod-only defaults');
  assert.equal(defaulted<Deployment>('replicasets').spec.replicas, 1);
  const ss = defaulted<StatefulSet>('statefulsets');
  assert.equal(ss.spec.replicas, 1);
  assert.equal(ss.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(ss.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(ss.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  const ds = defaulted<DaemonSet>('daemonsets');
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
});

test('job and cronjob defaults, generated job selector', () => {
  const j = defaulted<Job>('jobs');
  assert.equal(j.spec.completions, 1);
  assert.equal(j.spec.parallelism, 1);
  assert.equal(j.spec.backoffLimit, 6);
  assert.equal(j.spec.completionMode, 'NonIndexed');
  assert.equal(j.spec.suspend, false);
  const par = manifest('jobs') as Job;
  par.spec.parallelism = 3;
  applyDefaults('jobs', par);
  assert.equal(par.spec.completions, undefined);
  defaultJobSelector(j, 'u-1');
  assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual(j.spec.template.metadata!.labels, {
    'batch.kubernetes.io/controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'job-name': 'pi',
  });
  const manual = manifest('jobs') as Job;
  manual.spec.manualSelector = true;
  defaultJobSelector(manual, 'u-2');
  assert.equal(manual.spec.selector, undefined);
  const cj = defaulted<CronJob>('cronjobs');
  assert.equal(cj.spec.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec.suspend, false);
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec.failedJobsHistoryLimit, 1);
  assert.equal(cj.spec.jobTemplate.spec.backoffLimit, 6);
});

test('namespace, secret and misc defaults', () => {
  const ns = defaulted<Namespace>('namespaces');
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.equal(ns.status!.phase, 'Active');
  const s = defaulted<Secret>('secrets');
  assert.equal(s.type, 'Opaque');
  assert.equal(s.stringData, undefined);
  assert.deepEqual(s.data, { user: 'YWRtaW4=', password: Buffer.from('hunter2').toString('base64') });
  const pc = defaulted('priorityclasses') as KubeObject & { preemptionPolicy?: string };
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  const es = defaulted('endpointslices') as KubeObject & { ports: { protocol?: string }[] };
  assert.equal(es.ports[0]!.protocol, 'TCP');
  const node = defaulted('nodes') as KubeObject & { status: { allocatable?: Record<string, string> } };
  assert.deepEqual(node.status.allocatable, { cpu: '2', memory: '4Gi', pods: '110' });
  const lr = defaulted('limitranges') as KubeObject & { spec: { limits: { default?: Record<string, string>; defaultRequest?: Record<string, string> }[] } };
  assert.deepEqual(lr.spec.limits[0]!.defaultRequest, { cpu: '500m' });
  const rb = defaulted('rolebindings') as KubeObject & { subjects: { apiGroup?: string }[] };
  assert.equal(rb.subjects[1]!.apiGroup, '');
  // Unknown resources and malformed objects are left alone without throwing.
  const odd = { metadata: {}, spec: 'nope' } as KubeObject;
  applyDefaults('pods', odd);
  applyDefaults('widgets', odd);
  assert.equal(odd.spec, 'nope');
});

test('job selector is generated during defaulting once the uid is assigned', () => {
  const j = manifest('jobs') as Job;
  j.metadata.uid = 'u-9';
  applyDefaults('jobs', j);
  assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-9' } });
  assert.equal(j.spec.template.metadata!.labels!['job-name'], 'pi');
});

test('host network pods get hostPort = containerPort', () => {
  const p = manifest('pods') as Pod;
  p.spec.hostNetwork = true;
  applyDefaults('pods', p);
  assert.equal(p.spec.containers[0]!.ports![0]!.hostPort, 80);
  const q = defaulted<Pod>('pods');
  assert.equal(q.spec.containers[0]!.ports![0]!.hostPort, undefined);
});
