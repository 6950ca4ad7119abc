import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAuditPolicy, levelFor, type AuditRequest } from './policy.js';
import { RotatingFileWriter, backupStamp } from './log-writer.js';

const policy = parseAuditPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  - level: None
    nonResourceURLs: ["/healthz*", "/version"]
  - level: RequestResponse
    resources: [{ group: "", resources: ["pods/log", "pods/status"] }]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets", "configmaps"] }]
  - level: Request
    resources: [{ group: "apps", resources: ["*/scale"] }]
  - level: Request
    userGroups: ["system:nodes"]
    namespaces: ["kube-system"]
  - level: Metadata
    omitStages: [ResponseComplete]
    resources: [{ group: "", resources: ["events"], resourceNames: ["e1"] }]
  - level: Metadata
`);

const r = (x: Partial<AuditRequest>): AuditRequest => ({ user: { username: 'alice', groups: ['system:authenticated'] }, verb: 'get', isResourceRequest: true, path: '/api/v1/x', group: '', resource: 'pods', ...x });

test('audit policy: first matching rule decides level and omitted stages', () => {
  const table: [string, AuditRequest, string, string[]][] = [
    ['proxy watch', r({ user: { username: 'system:kube-proxy', groups: [] }, verb: 'watch', resource: 'endpoints' }), 'None', []],
    ['healthz prefix', r({ isResourceRequest: false, path: '/healthz/etcd', resource: '' }), 'None', []],
    ['version exact', r({ isResourceRequest: false, path: '/version', resource: '' }), 'None', []],
    ['pods/log', r({ subresource: 'log' }), 'RequestResponse', ['RequestReceived']],
    ['pods plain falls through', r({}), 'Metadata', ['RequestReceived']],
    ['secrets', r({ resource: 'secrets', verb: 'create' }), 'Metadata', ['RequestReceived']],
    ['*/scale in apps', r({ group: 'apps', resource: 'deployments', subresource: 'scale' }), 'Request', ['RequestReceived']],
    ['node in kube-system', r({ user: { username: 'system:node:n', groups: ['system:nodes'] }, namespace: 'kube-system', resource: 'leases', group: 'coordination.k8s.io' }), 'Request', ['RequestReceived']],
    ['node elsewhere', r({ user: { username: 'system:node:n', groups: ['system:nodes'] }, namespace: 'default' }), 'Metadata', ['RequestReceived']],
    ['resourceNames', r({ resource: 'events', name: 'e1' }), 'Metadata', ['RequestReceived', 'ResponseComplete']],
    ['non-resource catch-all', r({ isResourceRequest: false, path: '/metrics', resource: '' }), 'Metadata', ['RequestReceived']],
  ];
  for (const [name, req, level, omit] of table) assert.deepEqual(levelFor(policy, req), { level, omitStages: omit }, name);
  assert.throws(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Loud}]'), /Unsupported value/);
  assert.throws(() => parseAuditPolicy('kind: Other'), /Policy/);
});

test('audit log rotation by size, backup count and age', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-audit-'));
  try {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const w = new RotatingFileWriter({ path: path.join(dir, 'audit.log'), maxSizeMB: 1, maxBackups: 2, maxAgeDays: 0, clock: { now: () => now } as never });
    const line = 'x'.repeat(100 * 1024);
    for (let i = 0; i < 35; i++) {
      w.write(line);
      now += 1000;
    }
    const backups = w.backups();
    assert.equal(backups.length, 2, 'only maxBackups kept');
    assert.ok(fs.statSync(path.join(dir, 'audit.log')).size <= 1024 * 1024);
    for (const b of backups) assert.ok(fs.statSync(b).size <= 1024 * 1024 && fs.statSync(b).size > 900 * 1024);
    assert.match(path.basename(backups[0]!), /^audit-2026-01-01T00-00-\d{2}\.000\.log$/);
    void w.close();
    // age: backups older than maxAge days go at the next rotation
    const w2 = new RotatingFileWriter({ path: path.join(dir, 'audit.log'), maxSizeMB: 1, maxAgeDays: 1, clock: { now: () => now } as never });
    now += 2 * 86_400_000;
    for (let i = 0; i < 11; i++) w2.write(line);
    const left = w2.backups();
    assert.equal(left.length, 1);
    assert.ok(left[0]!.includes(backupStamp(now)));
    void w2.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
