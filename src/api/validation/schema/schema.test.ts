// The field schema is checked against the typed models of @kubernetes/client-node (a dev
// dependency): every spec-side field those models know must be known here, except fields newer
// than the v1.32 API we serve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { kindSchemas } from './index.js';
import type { FieldSchema } from './dsl.js';

type Model = { getAttributeTypeMap?: () => { baseName: string; type: string }[] };
const models = k8s as unknown as Record<string, Model>;

const modelOf: Record<string, string> = {
  Pod: 'V1Pod', Service: 'V1Service', Endpoints: 'V1Endpoints', ConfigMap: 'V1ConfigMap', Secret: 'V1Secret',
  Namespace: 'V1Namespace', Node: 'V1Node', Event: 'CoreV1Event', ServiceAccount: 'V1ServiceAccount',
  LimitRange: 'V1LimitRange', ResourceQuota: 'V1ResourceQuota', Deployment: 'V1Deployment', ReplicaSet: 'V1ReplicaSet',
  StatefulSet: 'V1StatefulSet', DaemonSet: 'V1DaemonSet', Job: 'V1Job', CronJob: 'V1CronJob', Lease: 'V1Lease',
  EndpointSlice: 'V1EndpointSlice', PriorityClass: 'V1PriorityClass', Role: 'V1Role', ClusterRole: 'V1ClusterRole',
  RoleBinding: 'V1RoleBinding', ClusterRoleBinding: 'V1ClusterRoleBinding',
};

/** Fields added after v1.32 (alpha in 1.33/1.34) that the v1.32 API does not have. */
const newerThanServed = new Set(['fileKeyRef', 'restartPolicyRules', 'hostnameOverride', 'podCertificate']);

function missingFields(model: string, s: FieldSchema, path: string, out: string[], depth = 0): void {
  const m = models[model];
  if (depth > 14 || s.kind !== 'object' || !m?.getAttributeTypeMap) return;
  for (const a of m.getAttributeTypeMap()) {
    if (a.baseName === 'status') continue; // status is kept open on purpose
    const p = `${path}.${a.baseName}`;
    const cs = s.properties[a.baseName];
    if (!cs) {
      if (!newerThanServed.has(a.baseName)) out.push(p);
      continue;
    }
    let t = a.type;
    let sub = cs;
    const list = /^Array<(.+)>$/.exec(t);
    if (list) {
      t = list[1]!;
      if (sub.kind === 'array') sub = sub.items;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
    if (map) {
      t = map[1]!;
      if (sub.kind === 'map') sub = sub.values;
    }
    if (/^[A-Z]/.test(t) && t !== 'Date') missingFields(t, sub, p, out, depth + 1);
  }
}

test('schema knows every v1.32 field of the client-node models', () => {
  for (const [kind, model] of Object.entries(modelOf)) {
    assert.ok(models[model]?.getAttributeTypeMap, `client-node has ${model}`);
    const out: string[] = [];
    missingFields(model, kindSchemas[kind]!, kind, out);
    assert.deepEqual(out, [], kind);
  }
});
