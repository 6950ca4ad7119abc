import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMirrorPod, mirrorMatches, mirrorPodOf, StaticPodSource, staticPodFromManifest } from './static-pods.js';
import { FakeClock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';

const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'img:1' }] } };

test('static pods: name, namespace, uid hash, source annotations, node binding', () => {
  const p = staticPodFromManifest(manifest, '/etc/m/web.yaml', 'Node-1', '2024-01-01T00:00:00Z');
  assert.equal(p.metadata.name, 'web-node-1');
  assert.equal(p.metadata.namespace, 'default');
  assert.match(p.metadata.uid!, /^[0-9a-f]{32}$/);
  assert.equal(p.metadata.annotations!['kubernetes.io/config.hash'], p.metadata.uid);
  assert.equal(p.metadata.annotations!['kubernetes.io/config.source'], 'file');
  assert.equal(p.spec.nodeName, 'Node-1');
  assert.equal(staticPodFromManifest(manifest, '/etc/m/web.yaml', 'Node-1', 'later').metadata.uid, p.metadata.uid, 'stable hash');
  const changed = staticPodFromManifest({ ...manifest, spec: { containers: [{ name: 'c', image: 'img:2' }] } }, '/etc/m/web.yaml', 'Node-1', 'x');
  assert.notEqual(changed.metadata.uid, p.metadata.uid, 'a changed manifest is a new pod');
  const m = mirrorPodOf(p, { name: 'node-1', uid: 'nu' });
  assert.ok(isMirrorPod(m) && !isMirrorPod(p));
  assert.equal(m.metadata.uid, undefined);
  assert.deepEqual(m.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'nu', controller: true }]);
  assert.ok(mirrorMatches(m, p) && !mirrorMatches(m, changed));
});

const invalid: [string, unknown][] = [
  ['not a pod', { kind: 'Service', metadata: { name: 'x' }, spec: { containers: [{ name: 'c' }] } }],
  ['no name', { kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'c' }] } }],
  ['no containers', { kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [] } }],
];
for (const [name, m] of invalid) {
  test(`static pods: rejects a manifest with ${name}`, () => assert.throws(() => staticPodFromManifest(m, 'f', 'n', 's')));
}

test('static pods: the source reports added, changed and removed manifests; ignores dotfiles and bad files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-static-'));
  try {
    const changes: string[][] = [];
    const src = new StaticPodSource({ dir, nodeName: 'n1', clock: new FakeClock(0), logger: silentLogger(), onChange: (k) => changes.push(k.sort()) });
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: kube-system}\nspec: {containers: [{name: c, image: "img:1"}]}\n');
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(manifest));
    fs.writeFileSync(path.join(dir, '.hidden.yaml'), 'kind: Pod');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: Pod\nmetadata: {}\n');
    src.scan();
    assert.deepEqual(changes, [['default/web-n1', 'kube-system/a-n1']]);
    const uid = src.get('kube-system/a-n1')!.metadata.uid;
    src.scan();
    assert.equal(changes.length, 1, 'no change, no report');
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: kube-system}\nspec: {containers: [{name: c, image: "img:2"}]}\n');
    fs.rmSync(path.join(dir, 'b.json'));
    src.scan();
    assert.deepEqual(changes[1], ['default/web-n1', 'kube-system/a-n1']);
    assert.notEqual(src.get('kube-system/a-n1')!.metadata.uid, uid);
    assert.equal(src.get('default/web-n1'), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
