// Leftover CNI NAT chains of the kubets network: the bridge plugin's per-sandbox masquerade chains
// (`CNI-<hash>`, jumped to from POSTROUTING with the comment `name: "kubets" id: "<sandbox>"`)
// outlive a sandbox whose CNI DEL never ran (e.g. containerd killed while it set the sandbox up).

/** One leftover chain and the POSTROUTING rules that jump to it (as `-A …` lines of iptables-save). */
export interface LeftoverChain {
  chain: string;
  sandboxId: string;
  jumps: string[];
}

/**
 * Finds the CNI chains of `network` in `iptables-save -t nat` text whose sandbox is not in
 * `liveSandboxIds` (pure).
 */
export function leftoverCniChains(natSave: string, network: string, liveSandboxIds: Set<string>): LeftoverChain[] {
  const byChain = new Map<string, LeftoverChain>();
  const re = new RegExp(`^-A POSTROUTING .*--comment "name: \\\\"${network}\\\\" id: \\\\"([0-9a-f]+)\\\\"" -j (CNI-[0-9a-f]+)$`);
  for (const line of natSave.split('\n')) {
    const m = re.exec(line);
    if (!m || liveSandboxIds.has(m[1]!)) continue;
    const c = byChain.get(m[2]!) ?? { chain: m[2]!, sandboxId: m[1]!, jumps: [] };
    c.jumps.push(line);
    byChain.set(c.chain, c);
  }
  return [...byChain.values()];
}

/** The iptables-restore --noflush text that removes the chains and the jumps to them (pure). */
export function removeChainsRestore(chains: LeftoverChain[]): string {
  if (!chains.length) return '';
  const lines = ['*nat'];
  for (const c of chains) for (const j of c.jumps) lines.push(j.replace(/^-A /, '-D '));
  for (const c of chains) lines.push(`-F ${c.chain}`, `-X ${c.chain}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}
