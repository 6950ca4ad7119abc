import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { patchMetaFor } from './strategy-meta.js';
import { PatchError } from './errors.js';

test('SMP: the client-side apply example from KUBECTL-COMPAT.md section 6', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'default' },
    spec: {
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          containers: [
            { name: 'a', image: 'busybox', env: [{ name: 'E1', value: '1' }, { name: 'E2', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 81, protocol: 'TCP' }] },
            { name: 'b', image: 'busybox' },
          ],
        },
      },
    },
  };
  const patch = {
    spec: {
      strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }],
          containers: [
            { name: 'a', '$setElementOrder/env': [{ name: 'E2' }], env: [{ $patch: 'delete', name: 'E1' }], ports: [{ $patch: 'delete', containerPort: 80 }] },
            { $patch: 'delete', name: 'b' },
          ],
        },
      },
    },
  };
  const out = applyStrategicMergePatch(live, patch, 'Deployment');
  assert.deepEqual(out, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'default' },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'a', image: 'busybox', env: [{ name: 'E2', value: '2' }], ports: [{ containerPort: 81, protocol: 'TCP' }] }] },
      },
    },
  });
  // Inputs are not modified.
  assert.equal(live.spec.template.spec.containers.length, 2);
  assert.equal(patch.spec.template.spec.containers.length, 2);
});

type Meta = { finalizers?: unknown; ownerReferences?: unknown };
const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } });

test('SMP: list merging, replacement and ordering on a Pod', () => {
  const base = pod([{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }], { tolerations: [{ key: 'k1' }], volumes: [{ name: 'v1', emptyDir: {} }] });
  const cases: { name: string; patch: Record<string, unknown>; want: unknown }[] = [
    {
      name: 'merge an item by name, others kept in place',
      patch: { spec: { containers: [{ name: 'b', image: 'i3' }] } },
      want: [{ name: 'a', image: 'i1' }, { name: 'b', image: 'i3' }],
    },
    {
      name: 'new items go first without an order directive (as upstream)',
      patch: { spec: { containers: [{ name: 'c', image: 'i4' }] } },
      want: [{ name: 'c', image: 'i4' }, { name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }],
    },
    {
      name: '$setElementOrder places new items',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'c', image: 'i4' }] } },
      want: [{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }, { name: 'c', image: 'i4' }],
    },
    {
      name: '$setElementOrder reorders without content',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } },
      want: [{ name: 'b', image: 'i2' }, { name: 'a', image: 'i1' }],
    },
    {
      name: '$patch: replace on a list',
      patch: { spec: { containers: [{ name: 'z', image: 'iz' }, { $patch: 'replace' }] } },
      want: [{ name: 'z', image: 'iz' }],
    },
    {
      name: '$patch: delete on an item',
      patch: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
      want: [{ name: 'b', image: 'i2' }],
    },
    {
      name: '$patch: merge on an item is a plain merge',
      patch: { spec: { containers: [{ name: 'a', $patch: 'merge', image: 'i9' }] } },
      want: [{ name: 'a', image: 'i9' }, { name: 'b', image: 'i2' }],
    },
    {
      name: 'null deletes a field inside an item',
      patch: { spec: { containers: [{ name: 'a', image: null }] } },
      want: [{ name: 'a' }, { name: 'b', image: 'i2' }],
    },
  ];
  for (const c of cases) {
    const out = applyStrategicMergePatch(base, c.patch, 'Pod') as { spec: { containers: unknown } };
    assert.deepEqual(out.spec.containers, c.want, c.name);
  }
  // Lists without a merge key are replaced; volumes merge by name.
  const out = applyStrategicMergePatch(base, { spec: { tolerations: [{ key: 'k2' }], volumes: [{ name: 'v2', configMap: { name: 'c' } }] } }, 'Pod') as { spec: Record<string, unknown> };
  assert.deepEqual(out.spec.tolerations, [{ key: 'k2' }]);
  assert.deepEqual(out.spec.volumes, [{ name: 'v2', configMap: { name: 'c' } }, { name: 'v1', emptyDir: {} }]);
});

test('SMP: container env/ports/volumeMounts keys, command replaced', () => {
  const base = pod([{ name: 'a', command: ['sh', '-c', 'x'], env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ mountPath: '/a', name: 'v' }] }]);
  const out = applyStrategicMergePatch(
    base,
    { spec: { containers: [{ name: 'a', command: ['true'], env: [{ name: 'A', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }], volumeMounts: [{ mountPath: '/a', readOnly: true }] }] } },
    'Pod',
  ) as { spec: { containers: Record<string, unknown>[] } };
  assert.deepEqual(out.spec.containers[0], {
    name: 'a',
    command: ['true'],
    env: [{ name: 'A', value: '2' }],
    ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
    volumeMounts: [{ mountPath: '/a', name: 'v', readOnly: true }],
  });
});

test('SMP: maps, null, $patch on maps, $retainKeys', () => {
  const base = { kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { k: 'v', k2: 'v2' } };
  assert.deepEqual(applyStrategicMergePatch(base, { metadata: { labels: { a: null, c: '3' } } }, 'ConfigMap').metadata, { name: 'c', labels: { b: '2', c: '3' } });
  assert.deepEqual(applyStrategicMergePatch(base, { data: { $patch: 'replace', only: 'x' } }, 'ConfigMap').data, { only: 'x' });
  assert.deepEqual(applyStrategicMergePatch(base, { data: { $patch: 'delete' } }, 'ConfigMap').data, {});
  assert.deepEqual(applyStrategicMergePatch(base, { data: { $retainKeys: ['k2', 'n'], n: '1' } }, 'ConfigMap').data, { k2: 'v2', n: '1' });
  assert.deepEqual(applyStrategicMergePatch(base, { data: null }, 'ConfigMap'), { kind: 'ConfigMap', metadata: base.metadata });
  assert.deepEqual(applyStrategicMergePatch(base, { newMap: { a: { b: null, c: 1 } } }, 'ConfigMap').newMap, { a: { c: 1 } });
  // type change: patch value wins
  assert.deepEqual(applyStrategicMergePatch(base, { data: 'x' }, 'ConfigMap').data, 'x');
});

test('SMP: metadata finalizers (set), $deleteFromPrimitiveList, ownerReferences by uid', () => {
  const base = { kind: 'Pod', metadata: { name: 'p', finalizers: ['a', 'b'], ownerReferences: [{ uid: 'u1', name: 'o1', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] } };
  assert.deepEqual((applyStrategicMergePatch(base, { metadata: { finalizers: ['b', 'c'] } }, 'Pod').metadata as Meta).finalizers, ['a', 'b', 'c']);
  assert.deepEqual((applyStrategicMergePatch(base, { metadata: { finalizers: ['c'] } }, 'Pod').metadata as Meta).finalizers, ['c', 'a', 'b']);
  assert.deepEqual((applyStrategicMergePatch(base, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, 'Pod').metadata as Meta).finalizers, ['b']);
  assert.deepEqual(
    (applyStrategicMergePatch(base, { metadata: { '$setElementOrder/finalizers': ['b', 'a', 'x'], finalizers: ['x'] } }, 'Pod').metadata as Meta).finalizers,
    ['b', 'a', 'x'],
  );
  const refs = (applyStrategicMergePatch(base, { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } }, 'Pod').metadata as Meta).ownerReferences;
  assert.deepEqual(refs, [{ uid: 'u1', name: 'o1', kind: 'ReplicaSet', apiVersion: 'apps/v1', controller: true }]);
});

test('SMP: Service ports by port, status conditions by type, Node addresses by type', () => {
  const svc = { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
  const s = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, 'Service') as { spec: { ports: unknown } };
  assert.deepEqual(s.spec.ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);
  const st = { kind: 'Pod', metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: 'c', ready: false }] } };
  const p = applyStrategicMergePatch(st, { status: { conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true }] } }, 'Pod') as { status: Record<string, unknown> };
  assert.deepEqual(p.status.conditions, [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  assert.deepEqual(p.status.containerStatuses, [{ name: 'c', ready: true }]);
  const node = { kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n' }] } };
  const n = applyStrategicMergePatch(node, { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } }, 'Node') as { status: { addresses: unknown } };
  assert.deepEqual(n.status.addresses, [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n' }]);
});

test('SMP: pod templates nested in workloads (CronJob two levels deep)', () => {
  const cj = {
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } } },
  };
  const out = applyStrategicMergePatch(cj, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'z' }] } } } } } }, 'CronJob') as typeof cj;
  assert.deepEqual(out.spec.jobTemplate.spec.template.spec.containers, [{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }]);
  // The same path in a kind without a pod template is a plain (replaced) list.
  const other = applyStrategicMergePatch({ ...cj, kind: 'Unknown' }, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'z' }] } } } } } }, 'Unknown') as typeof cj;
  assert.deepEqual(other.spec.jobTemplate.spec.template.spec.containers, [{ name: 'b', image: 'z' }]);
});

test('SMP: errors', () => {
  const base = pod([{ name: 'a' }]);
  const cases: { patch: unknown; code: 400 | 422; msg?: RegExp }[] = [
    { patch: [1], code: 400 },
    { patch: 'x', code: 400 },
    { patch: { spec: { containers: [{ image: 'no-name' }] } }, code: 422, msg: /does not contain declared merge key: name/ },
    { patch: { spec: { containers: [{ $patch: 'delete' }] } }, code: 422, msg: /merge key/ },
    { patch: { spec: { containers: [{ name: 'a', $patch: 'bogus' }] } }, code: 400, msg: /unknown patch type/ },
    { patch: { spec: { $patch: 'bogus' } }, code: 400, msg: /unknown patch type/ },
    { patch: { spec: { $retainKeys: 'x' } }, code: 400, msg: /retainKeys/ },
    { patch: { spec: { $retainKeys: ['a'], b: 1 } }, code: 400, msg: /retainKeys/ },
    { patch: { spec: { '$setElementOrder/containers': 'x' } }, code: 400, msg: /setElementOrder/ },
    { patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }, code: 400, msg: /primitive list/ },
    { patch: { metadata: { finalizers: [['a']] } }, code: 422, msg: /lists of lists/ },
  ];
  for (const c of cases) {
    assert.throws(
      () => applyStrategicMergePatch(base, c.patch, 'Pod'),
      (e: unknown) => e instanceof PatchError && e.code === c.code && (!c.msg || c.msg.test(e.message)),
      JSON.stringify(c.patch),
    );
  }
});

test('patchMetaFor: strategy table', () => {
  const cases: [string, string[], unknown][] = [
    ['Pod', ['spec', 'containers'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['Pod', ['spec', 'initContainers', 'env'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['Pod', ['spec', 'containers', 'ports'], { merge: true, retainKeys: false, mergeKey: 'containerPort' }],
    ['Pod', ['spec', 'ephemeralContainers', 'volumeMounts'], { merge: true, retainKeys: false, mergeKey: 'mountPath' }],
    ['Pod', ['spec', 'volumes'], { merge: true, retainKeys: true, mergeKey: 'name' }],
    ['Pod', ['spec', 'imagePullSecrets'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['Pod', ['spec', 'hostAliases'], { merge: true, retainKeys: false, mergeKey: 'ip' }],
    ['Pod', ['spec', 'tolerations'], undefined],
    ['Pod', ['spec', 'containers', 'command'], undefined],
    ['Pod', ['spec', 'containers', 'args'], undefined],
    ['Pod', ['spec', 'containers', 'envFrom'], undefined],
    ['Deployment', ['spec', 'template', 'spec', 'containers'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['Deployment', ['spec', 'strategy'], { merge: false, retainKeys: true }],
    ['StatefulSet', ['spec', 'template', 'spec', 'containers', 'env'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['DaemonSet', ['spec', 'template', 'metadata', 'finalizers'], { merge: true, retainKeys: false }],
    ['Job', ['spec', 'template', 'spec', 'volumes'], { merge: true, retainKeys: true, mergeKey: 'name' }],
    ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['Service', ['spec', 'ports'], { merge: true, retainKeys: false, mergeKey: 'port' }],
    ['Node', ['status', 'addresses'], { merge: true, retainKeys: false, mergeKey: 'type' }],
    ['Node', ['status', 'conditions'], { merge: true, retainKeys: false, mergeKey: 'type' }],
    ['Secret', ['metadata', 'ownerReferences'], { merge: true, retainKeys: false, mergeKey: 'uid' }],
    ['Secret', ['metadata', 'finalizers'], { merge: true, retainKeys: false }],
    ['Pod', ['status', 'containerStatuses'], { merge: true, retainKeys: false, mergeKey: 'name' }],
    ['ConfigMap', ['spec', 'containers'], undefined],
  ];
  for (const [kind, path, want] of cases) assert.deepEqual(patchMetaFor(kind, path), want, `${kind} ${path.join('.')}`);
});

test('SMP: volumes keep only the retained keys of a changed source', () => {
  const base = pod([{ name: 'a' }], { volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', hostPath: { path: '/x' } }] });
  const out = applyStrategicMergePatch(base, { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], name: 'v', configMap: { name: 'cm' } }] } }, 'Pod') as { spec: { volumes: unknown } };
  assert.deepEqual(out.spec.volumes, [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', hostPath: { path: '/x' } }]);
});

test('SMP / merge patch: "__proto__" keys are data, never prototypes', () => {
  const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}') as Record<string, unknown>;
  const out = applyStrategicMergePatch({ kind: 'Pod', metadata: { name: 'p', labels: {} } }, patch, 'Pod') as { metadata: { labels: Record<string, unknown> } };
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(out.metadata.labels), Object.prototype);
  assert.deepEqual(Object.keys(out.metadata.labels), ['__proto__']);
});
