import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, RenderCache, type RuleSet } from './render.js';
import { fullTransaction, partialTransaction, missingJumps, parseSave, tokenize, ruleTarget, shouldListFirst } from './restore.js';
import { FakeIptables } from './iptables-fake.js';
import { isPerServiceChain } from './chainnames.js';
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

test('ruleTarget finds -j / -g targets', () => {
  const cases: [string, string | undefined][] = [
    ['-A KUBE-SVC-X -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-Y', 'KUBE-SEP-Y'],
    ['-A KUBE-SEP-Y -p tcp -j DNAT --to-destination 10.0.0.1:80', 'DNAT'],
    ['-A KUBE-EXT-X -g KUBE-SVC-X', 'KUBE-SVC-X'],
    ['-A KUBE-X -m comment --comment "a b"', undefined],
  ];
  for (const [rule, want] of cases) assert.equal(ruleTarget(rule), want, rule);
});

test('shouldListFirst: many names in a commit over a small table list; few names over a big table do not', () => {
  const cases: [number, number, boolean][] = [
    [10, 0, false], // tiny commits never
    [11_000, 0, true], // first full sync of 1,000 services
    [111_000, 323_000, true], // full resync of 10,000 services
    [3_000, 323_000, false], // a few hundred services changed at 10,000 services
    [5, 323_000, false],
  ];
  for (const [n, rules, want] of cases) assert.equal(shouldListFirst(n, rules), want, `${n} names, ${rules} rules`);
});

test('full sync is one commit per table; every chain is declared before a rule jumps to it; the fake accepts it', async () => {
  const rs = world(200);
  const tx = fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps);
  assert.equal(tx.text.split('\nCOMMIT\n').length - 1, 2, 'filter and nat, one COMMIT each');
  assert.ok(/\*nat\n(:[^\n]*\n)+(-I [^\n]*\n)+-S\n/.test(tx.text), 'nat: fixed chains, jumps, then -S');
  for (const table of tx.text.split('COMMIT\n').filter(Boolean)) {
    const declared = new Set<string>();
    for (const line of table.split('\n')) {
      if (line.startsWith(':')) declared.add(line.slice(1).split(' ')[0]!);
      const t = line.startsWith('-A ') || line.startsWith('-I ') ? ruleTarget(line) : undefined;
      if (t?.startsWith('KUBE-')) assert.ok(declared.has(t), `${t} declared before ${line}`);
      if (line.startsWith('-A ')) assert.ok(declared.has(line.split(' ')[1]!), line);
    }
  }
  const k = new FakeIptables();
  await k.restore(tx.text);
  assert.equal(parseSave(await k.save('nat')).get('nat')!.chains.size, rs.nat.length + 4);
  // Without listFirst (iptables-legacy) the same transaction has no `-S` and nothing else differs.
  const legacy = fullTransaction(rs, { nat: new Set(), filter: new Set() }, rs.jumps, { listFirst: false });
  assert.ok(!legacy.text.split('\n').includes('-S'));
  assert.equal(legacy.text, tx.text.split('\n').filter((l) => l !== '-S').join('\n'));
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

test('partial diff by service port equals a chain-by-chain diff (cached and uncached renders)', () => {
  // The same worlds rendered with a cache (unchanged ports share their chain arrays) and without.
  const services = (n: number) =>
    Array.from({ length: n }, (_, i) => svc('ns', `s${i}`, i % 3 === 0 ? { type: 'NodePort', clusterIP: `10.96.0.${i + 1}`, ports: [{ name: 'http', port: 80, nodePort: 30000 + i, protocol: 'TCP' }] } : { clusterIP: `10.96.0.${i + 1}` }));
  const slices = (n: number, bump: number[]) => Array.from({ length: n }, (_, i) => slice('ns', `s${i}`, [`10.244.${i}.1`, `10.244.${i}.${bump.includes(i) ? 9 : 2}`]));
  const steps: [number, number[]][] = [
    [20, []],
    [20, [3]], // one endpoint changed
    [20, [3]], // nothing changed
    [22, [3, 21]], // two services added
    [15, []], // services removed, endpoint back
    [15, [0, 1, 2]],
  ];
  const byChain = (prev: RuleSet, next: RuleSet) => {
    // One group holding every per-service chain: chains compared by name over the whole table.
    const p = { ...prev, perServiceGroups: new Map([['all', prev.nat.filter((c) => isPerServiceChain(c.name))]]) };
    const n = { ...next, perServiceGroups: new Map([['all', next.nat.filter((c) => isPerServiceChain(c.name))]]) };
    return partialTransaction(p, n);
  };
  const sorted = (tx: ReturnType<typeof partialTransaction>) =>
    tx && { wn: [...tx.written.nat].sort(), wf: [...tx.written.filter].sort(), dn: [...tx.deleted.nat].sort(), df: [...tx.deleted.filter].sort() };
  const cache = new RenderCache();
  let prevCached: RuleSet | undefined;
  let prevPlain: RuleSet | undefined;
  for (const [n, bump] of steps) {
    const cached = render(services(n), slices(n, bump), node, { clusterCIDR: '10.244.0.0/16' }, cache);
    const plain = render(services(n), slices(n, bump), node, { clusterCIDR: '10.244.0.0/16' });
    if (prevCached && prevPlain) {
      const want = sorted(byChain(prevPlain, plain));
      assert.deepEqual(sorted(partialTransaction(prevCached, cached)), want, `step ${n} ${bump}`);
      assert.deepEqual(sorted(partialTransaction(prevPlain, plain)), want, `step ${n} ${bump} uncached`);
    }
    prevCached = cached;
    prevPlain = plain;
  }
});
