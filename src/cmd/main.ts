// The multicall entry: `kubets <subcommand> [flags]`. Each subcommand lives in its own module
// exporting `run(argv: string[]): Promise<number | void>`, loaded lazily so one component's
// dependencies never load in another's process.

type SubcommandModule = { run(argv: string[]): Promise<number | void> };

// The module for command `x` is `./x.js` beside this file.
const subcommands: Record<string, string> = {
  apiserver: 'REST + watch over etcd',
  'controller-manager': 'all controllers in one process',
  scheduler: 'assigns pods to nodes',
  kubelet: 'node agent over CRI',
  proxy: 'service -> iptables NAT rules',
  dns: 'cluster DNS for services and pods',
  up: 'a whole single-node cluster on this host',
  down: 'stop the cluster started by up and clean the host',
  install: 'write systemd units for a server or a worker node',
  certs: 'write the cluster PKI; `certs node`: a joining worker\'s credentials',
};

function usage(): string {
  const lines = Object.entries(subcommands).map(([name, help]) => `  ${name.padEnd(20)} ${help}`);
  return `usage: kubets <command> [flags]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Dispatches argv[0] to its subcommand and sets the process exit code. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return;
  }
  if (!Object.hasOwn(subcommands, name)) {
    process.stderr.write(`kubets: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  let mod: SubcommandModule;
  try {
    mod = (await import(`./${name}.js`)) as SubcommandModule;
  } catch (err) {
    process.stderr.write(`kubets ${name}: not available in this build (${(err as Error).message})\n`);
    process.exitCode = 2;
    return;
  }
  try {
    const code = await mod.run(rest);
    if (typeof code === 'number') process.exitCode = code;
  } catch (err) {
    process.stderr.write(`kubets ${name}: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
