import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../api/types/index.js';
import { apiAccessVolume } from '../apiserver/admission/service-account.js';
import { refreshTokenVolumes, setUpVolumes, volumeDir } from './volumes.js';
import type { ObjectSource } from './env.js';

test('the projected service-account volume gets token, ca.crt and namespace; a refresh rewrites the token', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubets-vol-'));
  try {
    const pod: Pod = { metadata: { name: 'p', namespace: 'ns1', uid: 'u1' }, spec: { serviceAccountName: 'default', containers: [{ name: 'c' }], volumes: [apiAccessVolume('kube-api-access-abcde')] } };
    let n = 0;
    const asked: unknown[] = [];
    const src: ObjectSource = {
      configMap: async (ns, name) => (ns === 'ns1' && name === 'kube-root-ca.crt' ? { metadata: { name }, data: { 'ca.crt': 'PEM' } } : undefined),
      secret: async () => undefined,
      serviceAccountToken: async (p, aud, exp) => {
        asked.push([p.metadata.name, aud, exp]);
        return `token-${++n}`;
      },
    };
    await setUpVolumes(root, pod, src);
    const dir = volumeDir(root, pod, 'kube-api-access-abcde');
    assert.equal(fs.readFileSync(path.join(dir, 'token'), 'utf8'), 'token-1');
    assert.equal(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), 'PEM');
    assert.equal(fs.readFileSync(path.join(dir, 'namespace'), 'utf8'), 'ns1');
    assert.equal(fs.statSync(path.join(dir, 'token')).mode & 0o777, 0o644);
    assert.deepEqual(asked, [['p', undefined, 3607]]);
    await refreshTokenVolumes(root, pod, src);
    assert.equal(fs.readFileSync(path.join(dir, 'token'), 'utf8'), 'token-2');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
