// RBAC privilege-escalation prevention through the real kubectl against a secure apiserver: a
// user who may write roles and bindings can grant only what they hold, unless `escalate` or
// `bind` (for a named role) is granted to them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensurePki, type PkiResult } from '../../src/pki/store.js';
import { writeKubeconfigFile } from '../../src/up/kubeconfig.js';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { eventually } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';

const read = (f: string) => fs.readFileSync(f);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('RBAC escalation prevention (kubectl, secure apiserver)', () => {
  let dir: string;
  let pki: PkiResult;
  let etcd: EtcdFixture;
  let api: ApiServerFixture;
  let admin: Kubectl;
  let alice: Kubectl;
  const canI = async (args: string[]) => (await alice.run(['auth', 'can-i', ...args])).stdout.trim() === 'yes';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-escalation-'));
    pki = await ensurePki(path.join(dir, 'pki'), { nodeName: 'esc-node', nodeIPs: ['127.0.0.1'], hostname: 'localhost', serviceIP: '10.96.0.1' });
    fs.writeFileSync(path.join(dir, 'tokens.csv'), 'alice-token,alice,uid-alice\n');
    etcd = await startEtcd();
    api = await startApiServer({
      etcd,
      secure: { port: 0, bindAddress: '127.0.0.1', cert: read(pki.certs.apiserver!.cert), key: read(pki.certs.apiserver!.key), clientCA: read(pki.ca.cert), tokenAuthFile: path.join(dir, 'tokens.csv') },
    });
    const ca = b64(read(pki.ca.cert));
    writeKubeconfigFile(path.join(dir, 'admin.conf'), { server: api.url, caData: ca, certData: b64(read(pki.certs.admin!.cert)), keyData: b64(read(pki.certs.admin!.key)) });
    writeKubeconfigFile(path.join(dir, 'alice.conf'), { server: api.url, caData: ca, token: 'alice-token' });
    admin = new Kubectl(path.join(dir, 'admin.conf'));
    alice = new Kubectl(path.join(dir, 'alice.conf'));
    // alice: `edit` in namespace a, and may write roles and bindings anywhere (nothing more)
    await admin.ok(['create', 'namespace', 'a']);
    await admin.ok(['create', 'rolebinding', 'alice-edit', '--clusterrole=edit', '--user=alice', '-n', 'a']);
    await admin.ok(['create', 'clusterrole', 'rbac-writer', '--verb=create,update,patch,get', '--resource=roles,clusterroles,rolebindings,clusterrolebindings']);
    await admin.ok(['create', 'clusterrolebinding', 'alice-rbac-writer', '--clusterrole=rbac-writer', '--user=alice']);
    await eventually(async () => (await canI(['get', 'secrets', '-n', 'a'])) && (await canI(['create', 'clusterroles'])), 30_000, 'alice holds edit in a and may create clusterroles');
  });

  after(async () => {
    admin?.cleanup();
    alice?.cleanup();
    await api?.stop();
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('roles: only rules the requester holds, in that scope', async () => {
    // held in namespace a through edit
    await alice.ok(['create', 'role', 'secret-reader', '--verb=get,list', '--resource=secrets', '-n', 'a']);
    // the same rules cluster-wide are not held
    const cluster = await alice.run(['create', 'clusterrole', 'secret-reader', '--verb=get,list', '--resource=secrets']);
    assert.notEqual(cluster.code, 0);
    assert.match(cluster.stderr, /clusterroles\.rbac\.authorization\.k8s\.io "secret-reader" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get" "list"\]\}/);
    // nor in another namespace
    await admin.ok(['create', 'namespace', 'b']);
    const other = await alice.run(['create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '-n', 'b']);
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /is attempting to grant RBAC permissions not currently held/);
    // widening a role by update is checked too; an update leaving the rules alone is not
    const role = JSON.parse(await alice.ok(['get', 'role', 'secret-reader', '-n', 'a', '-o', 'json']));
    role.rules.push({ apiGroups: [''], resources: ['nodes'], verbs: ['get'] });
    const widen = await alice.run(['replace', '-f', '-'], JSON.stringify(role));
    assert.notEqual(widen.code, 0);
    assert.match(widen.stderr, /\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get"\]\}/);
    await alice.ok(['label', 'role', 'secret-reader', '-n', 'a', 'team=x']);
  });

  test('bindings: cluster-admin cannot be bound without `bind` on it; bind is per role name', async () => {
    const denied = await alice.run(['create', 'rolebinding', 'mallory-admin', '--clusterrole=cluster-admin', '--user=mallory', '-n', 'a']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "mallory-admin" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}\n\{NonResourceURLs:\["\*"\], Verbs:\["\*"\]\}/);
    // binding a role whose rules alice holds is fine
    await alice.ok(['create', 'rolebinding', 'mallory-secrets', '--role=secret-reader', '--user=mallory', '-n', 'a']);
    // `bind` on clusterroles/cluster-admin in namespace a
    await admin.ok(['create', 'clusterrole', 'bind-cluster-admin', '--verb=bind', '--resource=clusterroles', '--resource-name=cluster-admin']);
    await admin.ok(['create', 'rolebinding', 'alice-bind', '--clusterrole=bind-cluster-admin', '--user=alice', '-n', 'a']);
    await eventually(() => canI(['bind', 'clusterroles/cluster-admin', '-n', 'a']), 30_000, 'alice may bind cluster-admin in a');
    await alice.ok(['create', 'rolebinding', 'mallory-admin', '--clusterrole=cluster-admin', '--user=mallory', '-n', 'a']);
    // ... not another role, and not cluster-wide
    const otherRole = await alice.run(['create', 'rolebinding', 'mallory-nodes', '--clusterrole=system:node', '--user=mallory', '-n', 'a']);
    assert.notEqual(otherRole.code, 0);
    assert.match(otherRole.stderr, /is attempting to grant RBAC permissions not currently held/);
    const clusterWide = await alice.run(['create', 'clusterrolebinding', 'mallory-admin', '--clusterrole=cluster-admin', '--user=mallory']);
    assert.notEqual(clusterWide.code, 0);
    assert.match(clusterWide.stderr, /clusterrolebindings\.rbac\.authorization\.k8s\.io "mallory-admin" is forbidden/);
    // a binding of a role that does not exist is refused as upstream (NotFound of the role)
    const missing = await alice.run(['create', 'rolebinding', 'mallory-ghost', '--clusterrole=ghost', '--user=mallory', '-n', 'a']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /clusterroles\.rbac\.authorization\.k8s\.io "ghost" not found/);
  });

  test('`escalate` lets a user write roles with rules they do not hold; system:masters always may', async () => {
    await admin.ok(['create', 'clusterrole', 'escalator', '--verb=escalate', '--resource=clusterroles']);
    await admin.ok(['create', 'clusterrolebinding', 'alice-escalate', '--clusterrole=escalator', '--user=alice']);
    await eventually(() => canI(['escalate', 'clusterroles']), 30_000, 'alice may escalate clusterroles');
    await alice.ok(['create', 'clusterrole', 'secret-reader', '--verb=get,list', '--resource=secrets']);
    await admin.ok(['create', 'clusterrole', 'everything', '--verb=*', '--resource=*.*']);
  });
});
