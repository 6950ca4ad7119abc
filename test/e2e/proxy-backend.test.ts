// `kubets proxy --iptables-backend` as a command, in a private network namespace: `--cleanup`
// removes our chains from the chosen backend's tables and leaves a foreign chain; `auto` picks
// what the namespace's `iptables -V` reports; a bad value exits 2. Needs `npm run build` (dist/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessRunner } from '../../src/proxy/exec.js';
import { ExecIptables } from '../../src/proxy/iptables.js';
import { parseIptablesVersion, resolveBackend } from '../../src/proxy/backend.js';
import { fullTransaction } from '../../src/proxy/restore.js';
import { render } from '../../src/proxy/render.js';
import { svc, slice } from '../../src/proxy/testfixtures.js';
import { addNetns, nsRun, sh, uniqueId } from '../helpers/netns.js';

const kubets = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'kubets');

function proxyCmd(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [kubets, 'proxy', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

test('kubets proxy --iptables-backend: auto detection, legacy --cleanup, bad value', async () => {
  const ns = `${uniqueId()}-bk`;
  await addNetns(ns);
  try {
    const runner = new ProcessRunner({ netns: ns });
    // 1. auto follows `iptables -V` inside the namespace.
    const v = await nsRun(ns, 'iptables', ['-V']);
    assert.equal(await resolveBackend('auto', runner), parseIptablesVersion(v.stdout));
    // 2. Our rules plus a foreign chain in the legacy tables.
    const legacy = new ExecIptables(runner, 'legacy');
    const rs = render([svc('default', 'web', { clusterIP: '10.96.0.9' })], [slice('default', 'web', ['10.244.1.2'])], { name: 'n', addresses: ['192.168.1.10'] });
    await legacy.restore(fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps, { listFirst: false }).text);
    await legacy.restore('*nat\n:FOREIGN - [0:0]\n-A FOREIGN -j RETURN\n-A PREROUTING -j FOREIGN\nCOMMIT\n');
    assert.match(await legacy.save('nat'), /KUBE-SVC-/);
    // 3. --cleanup through the command removes ours only.
    const r = proxyCmd(['--cleanup', '--iptables-netns', ns, '--iptables-backend', 'legacy']);
    assert.equal(r.code, 0, r.stderr);
    const nat = await legacy.save('nat');
    const filter = await legacy.save('filter');
    assert.ok(!nat.includes('KUBE-') && !filter.includes('KUBE-'), nat + filter);
    assert.match(nat, /-A PREROUTING -j FOREIGN/);
    // 4. A bad value is a usage error.
    const bad = proxyCmd(['--cleanup', '--iptables-netns', ns, '--iptables-backend', 'bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--iptables-backend must be auto, nft or legacy/);
  } finally {
    await sh('ip', ['netns', 'del', ns]);
  }
});
