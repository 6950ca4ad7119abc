import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from './render.js';
import { fullTransaction, partialTransaction, missingJumps, parseSave, tokenize, chainRank } from './restore.js';
import { FakeIptables } from './iptables-fake.js';
import { svc, slice } from './testfixtures.js';

const node = { name: 'n', addresses: ['192.168.1.10'] };
function world(n: number, shift = 0) {
  const services = Array.from({ length: n }, (_, i) =>
    svc('ns', `s${i}`, i % 3 === 0 ? { type: 'NodePort', clusterIP: `10.96.0.${i + 1}`, ports: [{ name: 'http', port: 80, nodePort: 30000 + i, protocol: 'TCP' }] } : { clusterIP: `10.96.0.${i + 1}` }),
  );
  const slices = Array.from({ length: n }, (_, i) => slice('ns', `s${i}`, [`10.244.${i}.${1 + shift}`, `10.244.${i}.${2 + shift}`]));
  return render(services, slices, node, { clusterCIDR: '10.244.0.0/16' });
}

test('tokenize honours quotes', () => {
  assert.deepEqual(tokenize('-A X -m comment --comment "a b \\"c\\"" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', 'a b "c"', '-j', 'Y']);
});

test('chunked full sync (leaf-first commits) ends in the same kernel state as one atomic commit', async () => {
  const rs = world(20);
  const atomic = new FakeIptables();
  await atomic.restore(fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps, { chunkChains: 0 }).text);
  const chunked = new FakeIptables();
  const tx = fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps, { chunkChains: 7 });
  assert.ok(tx.text.split('COMMIT').length > 5, 'several commits');
  // FakeIptables checks at every COMMIT that each jump target exists, so every step is consistent.
  await chunked.restore(tx.text);
  assert.equal(await chunked.save('nat'), await atomic.save('nat'));
  assert.equal(await chunked.save('filter'), await atomic.save('filter'));
  assert.ok(chainRank('KUBE-SEP-X') < chainRank('KUBE-SVC-X') && chainRank('KUBE-SVC-X') < chainRank('KUBE-SERVICES'));
});

test('partial after full equals a full sync of the new state; jumps detected in saved output', async () => {
  const a = world(10);
  const b = world(10, 5);
  const k = new FakeIptables();
  await k.restore(fullTransaction(a, { nat: new Set(), filter: new Set() }, a.jumps).text);
  const p = partialTransaction(a, b)!;
  assert.ok(p.deleted.nat.length > 0 && p.written.nat.length > 0);
  await k.restore(p.text);
  const fresh = new FakeIptables();
  await fresh.restore(fullTransaction(b, { nat: new Set(), filter: new Set() }, b.jumps).text);
  assert.equal(await k.save('nat'), await fresh.save('nat'));
  const saved = parseSave((await k.save('nat')) + (await k.save('filter')));
  assert.deepEqual(missingJumps(saved, b.jumps), []);
  assert.equal(missingJumps(parseSave('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'), b.jumps).length, b.jumps.length);
  assert.equal(partialTransaction(b, b), undefined);
});
