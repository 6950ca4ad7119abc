import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leftoverCniChains, removeChainsRestore } from './cni-chains.js';

const save = [
  '*nat',
  ':POSTROUTING ACCEPT [0:0]',
  ':CNI-aaa - [0:0]',
  ':CNI-bbb - [0:0]',
  '-A POSTROUTING -s 10.244.0.96/32 -m comment --comment "name: \\"kubets\\" id: \\"cda7\\"" -j CNI-aaa',
  '-A POSTROUTING -s 10.244.0.97/32 -m comment --comment "name: \\"kubets\\" id: \\"beef\\"" -j CNI-bbb',
  '-A POSTROUTING -s 10.88.0.2/32 -m comment --comment "name: \\"other\\" id: \\"f00d\\"" -j CNI-ccc',
  '-A CNI-aaa -d 10.244.0.0/24 -m comment --comment "name: \\"kubets\\" id: \\"cda7\\"" -j ACCEPT',
  'COMMIT',
].join('\n');

test('leftoverCniChains: only our network, only sandboxes that are gone', () => {
  const cases: { live: string[]; want: string[] }[] = [
    { live: [], want: ['CNI-aaa', 'CNI-bbb'] },
    { live: ['beef'], want: ['CNI-aaa'] },
    { live: ['beef', 'cda7'], want: [] },
  ];
  for (const c of cases) assert.deepEqual(leftoverCniChains(save, 'kubets', new Set(c.live)).map((x) => x.chain), c.want, c.live.join());
});

test('removeChainsRestore deletes the jumps, then flushes and removes the chains', () => {
  const text = removeChainsRestore(leftoverCniChains(save, 'kubets', new Set(['beef'])));
  assert.equal(text, '*nat\n-D POSTROUTING -s 10.244.0.96/32 -m comment --comment "name: \\"kubets\\" id: \\"cda7\\"" -j CNI-aaa\n-F CNI-aaa\n-X CNI-aaa\nCOMMIT\n');
  assert.equal(removeChainsRestore([]), '');
});
