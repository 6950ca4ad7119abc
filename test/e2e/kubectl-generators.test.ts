// kubectl's typed generators (`kubectl create <kind>`, `create job --from`, …) against `kubets
// apiserver` over real etcd. kubectl 1.32 sends these bodies as protobuf
// (application/vnd.kubernetes.protobuf); each test checks the object that was stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startEtcd, type EtcdFixture } from '../helpers/cluster.js';
import { startApiServerProcess, type ApiProcFixture } from '../helpers/processes.js';
import { Kubectl } from '../helpers/kubectl.js';

let etcd: EtcdFixture;
let api: ApiProcFixture;
let k: Kubectl;
const NS = 'gen';

/** A throwaway self-signed EC pair (CN=kubets-test), only for `kubectl create secret tls`. */
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIUckDOC+LiHijbtKDHgetwTC9JlrEwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLa3ViZXRzLXRlc3QwIBcNMjYxMjAxMDMwMzQyWhgPMjEyNjEx
MDcwMzAzNDJaMBYxFDASBgNVBAMMC2t1YmV0cy10ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEoUQcxSBWdINedWacOEWie6hJjbMKwq+SXgCqgwJUZ/tRs5rC
GnUBRGbqFIl2gr/EfEPWvRlrkWpcVsh/b6bdGaNTMFEwHQYDVR0OBBYEFOiRQhFx
8ugD+W2zs96JF6EOZ0VaMB8GA1UdIwQYMBaAFOiRQhFx8ugD+W2zs96JF6EOZ0Va
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAJnwuW8MeHbkab3y
Ea6ft15BsMU8jb1Awx2hw5JGBtwgAiBa03ouBo5TOxQ508USuE3jncGXuPhjuoxV
umjUSybmfw==
-----END CERTIFICATE-----
`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyv80mA/jWZJjFahJ
vUzIa0posmkIDGsJf/b8vNV3fW6hRANCAAShRBzFIFZ0g151Zpw4RaJ7qEmNswrC
r5JeAKqDAlRn+1GzmsIadQFEZuoUiXaCv8R8Q9a9GWuRalxWyH9vpt0Z
-----END PRIVATE KEY-----
`;

before(async () => {
  etcd = await startEtcd();
  api = await startApiServerProcess(etcd.endpoint);
  k = new Kubectl(api.kubeconfig);
});
after(async () => {
  k?.cleanup();
  await api?.stop();
  await etcd?.stop();
});

/** `kubectl get -o json` of one object. */
async function getJson(args: string[]): Promise<any> {
  return JSON.parse(await k.ok(['get', ...args, '-o', 'json']));
}

describe('kubectl typed generators (protobuf request bodies)', () => {
  test('create namespace, configmap (literal and file), secret generic, docker-registry and tls', async () => {
    assert.match(await k.ok(['create', 'namespace', NS]), new RegExp(`namespace/${NS} created`));
    assert.equal((await getJson(['ns', NS])).status.phase, 'Active');
    const file = path.join(api.dir, 'greeting.txt');
    fs.writeFileSync(file, 'hello\n');
    await k.ok(['create', 'configmap', 'cm', '-n', NS, '--from-literal=a=b', `--from-file=${file}`]);
    assert.deepEqual((await getJson(['cm', 'cm', '-n', NS])).data, { a: 'b', 'greeting.txt': 'hello\n' });
    await k.ok(['create', 'secret', 'generic', 'gs', '-n', NS, '--from-literal=password=s3cr3t']);
    const gs = await getJson(['secret', 'gs', '-n', NS]);
    assert.equal(gs.type, 'Opaque');
    assert.equal(Buffer.from(gs.data.password, 'base64').toString(), 's3cr3t');
    await k.ok(['create', 'secret', 'docker-registry', 'dr', '-n', NS, '--docker-server=r.example', '--docker-username=u', '--docker-password=p']);
    const dr = await getJson(['secret', 'dr', '-n', NS]);
    assert.equal(dr.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(JSON.parse(Buffer.from(dr.data['.dockerconfigjson'], 'base64').toString()).auths['r.example'].username, 'u');
    const cert = path.join(api.dir, 'tls.crt');
    const key = path.join(api.dir, 'tls.key');
    fs.writeFileSync(cert, TEST_CERT);
    fs.writeFileSync(key, TEST_KEY);
    await k.ok(['create', 'secret', 'tls', 'tls', '-n', NS, `--cert=${cert}`, `--key=${key}`]);
    const tls = await getJson(['secret', 'tls', '-n', NS]);
    assert.equal(tls.type, 'kubernetes.io/tls');
    assert.equal(Buffer.from(tls.data['tls.crt'], 'base64').toString(), TEST_CERT);
  });

  test('create deployment with --image, --replicas, --port and a command; --replicas=0 stays 0', async () => {
    assert.match(await k.ok(['create', 'deployment', 'web', '-n', NS, '--image=localhost:5000/busybox:v1', '--replicas=3', '--port=8080', '--', 'sleep', '3600']), /deployment.apps\/web created/);
    const d = await getJson(['deploy', 'web', '-n', NS]);
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual(d.spec.template.metadata.labels, { app: 'web' });
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.name, 'busybox');
    assert.equal(c.image, 'localhost:5000/busybox:v1');
    assert.deepEqual(c.command, ['sleep', '3600']);
    assert.deepEqual(c.ports, [{ containerPort: 8080, protocol: 'TCP' }]);
    assert.equal(d.spec.strategy.type, 'RollingUpdate', 'an empty strategy is defaulted');
    assert.equal(d.spec.paused, undefined, 'paused=false on the wire is not stored');
    await k.ok(['create', 'deployment', 'zero', '-n', NS, '--image=img:v1', '--replicas=0']);
    assert.equal((await getJson(['deploy', 'zero', '-n', NS])).spec.replicas, 0);
    await k.ok(['create', 'deployment', 'two', '-n', NS, '--image=a:1', '--image=b:2']);
    assert.deepEqual((await getJson(['deploy', 'two', '-n', NS])).spec.template.spec.containers.map((x: { image: string }) => x.image), ['a:1', 'b:2']);
  });

  test('create service clusterip (and headless), nodeport, loadbalancer, externalname; expose', async () => {
    await k.ok(['create', 'service', 'clusterip', 'cip', '-n', NS, '--tcp=80:8080', '--tcp=443:https']);
    const cip = await getJson(['svc', 'cip', '-n', NS]);
    assert.equal(cip.spec.type, 'ClusterIP');
    assert.match(cip.spec.clusterIP, /^10\./);
    assert.deepEqual(cip.spec.ports, [
      { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: '443-https', port: 443, protocol: 'TCP', targetPort: 'https' },
    ]);
    assert.deepEqual(cip.spec.selector, { app: 'cip' });
    await k.ok(['create', 'service', 'clusterip', 'headless', '-n', NS, '--clusterip=None']);
    assert.equal((await getJson(['svc', 'headless', '-n', NS])).spec.clusterIP, 'None');
    await k.ok(['create', 'service', 'nodeport', 'np', '-n', NS, '--tcp=80:8080', '--node-port=30080']);
    const np = await getJson(['svc', 'np', '-n', NS]);
    assert.equal(np.spec.type, 'NodePort');
    assert.equal(np.spec.ports[0].nodePort, 30080);
    await k.ok(['create', 'service', 'loadbalancer', 'lb', '-n', NS, '--tcp=80:8080']);
    const lb = await getJson(['svc', 'lb', '-n', NS]);
    assert.equal(lb.spec.type, 'LoadBalancer');
    assert.ok(lb.spec.ports[0].nodePort >= 30000, 'a node port is allocated');
    await k.ok(['create', 'service', 'externalname', 'ext', '-n', NS, '--external-name=example.com']);
    const ext = await getJson(['svc', 'ext', '-n', NS]);
    assert.equal(ext.spec.type, 'ExternalName');
    assert.equal(ext.spec.externalName, 'example.com');
    await k.ok(['expose', 'deployment', 'web', '-n', NS, '--port=80', '--target-port=8080', '--name=web']);
    const web = await getJson(['svc', 'web', '-n', NS]);
    assert.deepEqual(web.spec.selector, { app: 'web' });
    assert.equal(web.spec.ports[0].targetPort, 8080);
  });

  test('create job, cronjob, and job --from=cronjob', async () => {
    await k.ok(['create', 'job', 'once', '-n', NS, '--image=img:v1', '--', 'echo', 'hi']);
    const job = await getJson(['job', 'once', '-n', NS]);
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', 'hi']);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    await k.ok(['create', 'cronjob', 'tick', '-n', NS, '--image=img:v1', '--schedule=*/5 * * * *', '--restart=OnFailure', '--', 'date']);
    const cj = await getJson(['cronjob', 'tick', '-n', NS]);
    assert.equal(cj.spec.schedule, '*/5 * * * *');
    assert.equal(cj.spec.jobTemplate.spec.template.spec.restartPolicy, 'OnFailure');
    await k.ok(['create', 'job', 'tick-now', '-n', NS, '--from=cronjob/tick']);
    const now = await getJson(['job', 'tick-now', '-n', NS]);
    assert.equal(now.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.deepEqual(now.metadata.ownerReferences.map((o: { kind: string; name: string; uid: string; controller: boolean }) => [o.kind, o.name, o.uid, o.controller]), [['CronJob', 'tick', cj.metadata.uid, true]]);
    assert.deepEqual(now.spec.template.spec.containers[0].command, ['date']);
  });

  test('job --from a cronjob with a rich pod spec carries the whole pod tree through protobuf', async () => {
    const podSpec = {
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: 0,
      nodeSelector: { disk: 'ssd' },
      securityContext: { runAsUser: 1000, runAsNonRoot: true, fsGroup: 2000, supplementalGroups: [3000, 4000], seccompProfile: { type: 'RuntimeDefault' } },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { key: 'x', operator: 'Equal', value: 'y', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'rich' } } } }] },
      },
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['db'] }],
      dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
      volumes: [
        { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 256 }], defaultMode: 420, optional: false } },
        { name: 'sec', secret: { secretName: 'gs', defaultMode: 256 } },
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'api' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } }] } },
      ],
      initContainers: [{ name: 'init', image: 'img:v1', command: ['sh', '-c', 'true'], resources: { requests: { cpu: '10m' } } }],
      containers: [{
        name: 'main',
        image: 'img:v1',
        args: ['--flag', ''],
        workingDir: '/work',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }],
        env: [
          { name: 'PLAIN', value: 'v' },
          { name: 'EMPTY' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { containerName: 'main', resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a', optional: true } } },
          { name: 'SEC', valueFrom: { secretKeyRef: { name: 'gs', key: 'password' } } },
        ],
        envFrom: [{ prefix: 'C_', configMapRef: { name: 'cm' } }, { secretRef: { name: 'gs', optional: false } }],
        resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }, { name: 'tmp', mountPath: '/tmp', subPath: 'x' }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: 'y' }] }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        startupProbe: { exec: { command: ['cat', '/ready'] }, failureThreshold: 30, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1 },
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } }, postStart: { httpGet: { path: '/started', port: 8080, scheme: 'HTTP' } } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsUser: 0, privileged: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        stdin: true,
        tty: true,
      }],
    };
    const cronjob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'rich', namespace: NS }, spec: { schedule: '0 0 * * *', suspend: true, jobTemplate: { spec: { backoffLimit: 0, template: { metadata: { labels: { app: 'rich' } }, spec: podSpec } } } } };
    await k.ok(['apply', '-f', '-'], JSON.stringify(cronjob));
    const stored = await getJson(['cronjob', 'rich', '-n', NS]);
    await k.ok(['create', 'job', 'rich-now', '-n', NS, '--from=cronjob/rich']);
    const job = await getJson(['job', 'rich-now', '-n', NS]);
    // The whole stored template (defaults included) went out as protobuf and came back unchanged.
    assert.deepEqual(job.spec.template.spec, stored.spec.jobTemplate.spec.template.spec);
    assert.equal(job.spec.backoffLimit, 0, 'a pointer zero survives');
    assert.equal(job.spec.template.spec.terminationGracePeriodSeconds, 0);
    assert.equal(job.spec.template.spec.containers[0].securityContext.runAsUser, 0);
    assert.deepEqual(job.spec.template.spec.containers[0].args, ['--flag', '']);
  });

  test('create serviceaccount, role, clusterrole (rules and aggregation), rolebinding, clusterrolebinding', async () => {
    await k.ok(['create', 'serviceaccount', 'bot', '-n', NS]);
    assert.equal((await getJson(['sa', 'bot', '-n', NS])).metadata.name, 'bot');
    await k.ok(['create', 'role', 'reader', '-n', NS, '--verb=get,list', '--resource=pods,deployments.apps,pods/log', '--resource-name=x']);
    assert.deepEqual((await getJson(['role', 'reader', '-n', NS])).rules, [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['x'] },
      { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['x'] },
    ]);
    await k.ok(['create', 'clusterrole', 'logs', '--verb=get', '--non-resource-url=/logs/*']);
    assert.deepEqual((await getJson(['clusterrole', 'logs'])).rules, [{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }]);
    await k.ok(['create', 'clusterrole', 'agg', '--aggregation-rule=tier=gen']);
    assert.deepEqual((await getJson(['clusterrole', 'agg'])).aggregationRule, { clusterRoleSelectors: [{ matchLabels: { tier: 'gen' } }] });
    await k.ok(['create', 'rolebinding', 'rb', '-n', NS, '--role=reader', '--user=alice', '--group=devs', `--serviceaccount=${NS}:bot`]);
    const rb = await getJson(['rolebinding', 'rb', '-n', NS]);
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
    assert.deepEqual(rb.subjects, [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
      { kind: 'ServiceAccount', apiGroup: '', name: 'bot', namespace: NS }, // kubets defaults the group
    ]);
    await k.ok(['create', 'clusterrolebinding', 'crb', '--clusterrole=logs', '--user=bob']);
    const crb = await getJson(['clusterrolebinding', 'crb']);
    assert.deepEqual(crb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'logs' });
    assert.deepEqual(crb.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }]);
  });

  test('create quota and priorityclass (negative and zero values kept)', async () => {
    await k.ok(['create', 'quota', 'q', '-n', NS, '--hard=cpu=1,memory=1Gi,pods=10', '--scopes=BestEffort']);
    const q = await getJson(['quota', 'q', '-n', NS]);
    assert.deepEqual(q.spec.hard, { cpu: '1', memory: '1Gi', pods: '10' });
    assert.deepEqual(q.spec.scopes, ['BestEffort']);
    await k.ok(['create', 'priorityclass', 'high', '--value=1000', '--description=important', '--preemption-policy=Never']);
    const high = await getJson(['priorityclass', 'high']);
    assert.equal(high.value, 1000);
    assert.equal(high.description, 'important');
    assert.equal(high.preemptionPolicy, 'Never');
    await k.ok(['create', 'priorityclass', 'low', '--value=-5']);
    assert.equal((await getJson(['priorityclass', 'low'])).value, -5);
    await k.ok(['create', 'priorityclass', 'none', '--value=0']);
    assert.equal((await getJson(['priorityclass', 'none'])).value, 0);
  });

  test('autoscale: HorizontalPodAutoscalers are not served, and the error says so', async () => {
    const r = await k.run(['autoscale', 'deployment', 'web', '-n', NS, '--max=3']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound.*horizontalpodautoscalers\.autoscaling is not served/);
  });
});
