import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendCommands, parseBackendChoice, parseIptablesVersion, resolveBackend, type IptablesBackend } from './backend.js';
import type { CommandRunner, ExecResult } from './exec.js';

test('parseIptablesVersion tells nft from legacy', () => {
  const cases: [string, IptablesBackend | undefined][] = [
    ['iptables v1.8.9 (nf_tables)\n', 'nft'],
    ['iptables v1.8.7 (legacy)\n', 'legacy'],
    ['iptables v1.6.1\n', 'legacy'],
    ['iptables v1.8.10 (nf_tables): warning\n', 'nft'],
    ['ip6tables v1.8.9 (nf_tables)\n', undefined],
    ['iptables v1.8.9 (something-else)\n', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseIptablesVersion(text), want, JSON.stringify(text));
});

test('parseBackendChoice accepts auto, nft, legacy only', () => {
  for (const ok of ['auto', 'nft', 'legacy'] as const) assert.equal(parseBackendChoice(ok), ok);
  for (const bad of ['', 'NFT', 'iptables', 'nftables']) assert.throws(() => parseBackendChoice(bad), /--iptables-backend/);
});

test('backendCommands names each binary explicitly', () => {
  assert.deepEqual(backendCommands('legacy'), { iptables: 'iptables-legacy', restore: 'iptables-legacy-restore', save: 'iptables-legacy-save' });
  assert.deepEqual(backendCommands('nft'), { iptables: 'iptables-nft', restore: 'iptables-nft-restore', save: 'iptables-nft-save' });
});

function runner(result: ExecResult, calls: string[][]): CommandRunner {
  return { run: async (cmd, args) => (calls.push([cmd, ...args]), result) };
}

test('resolveBackend: explicit choices run nothing; auto asks `iptables -V`', async () => {
  const calls: string[][] = [];
  assert.equal(await resolveBackend('legacy', runner({ code: 0, stdout: 'iptables v1.8.9 (nf_tables)', stderr: '' }, calls)), 'legacy');
  assert.deepEqual(calls, []);
  assert.equal(await resolveBackend('auto', runner({ code: 0, stdout: 'iptables v1.8.9 (legacy)\n', stderr: '' }, calls)), 'legacy');
  assert.equal(await resolveBackend('auto', runner({ code: 0, stdout: 'iptables v1.8.9 (nf_tables)\n', stderr: '' }, calls)), 'nft');
  assert.deepEqual(calls, [['iptables', '-V'], ['iptables', '-V']]);
  await assert.rejects(resolveBackend('auto', runner({ code: 127, stdout: '', stderr: 'not found' }, calls)), /cannot tell/);
});
