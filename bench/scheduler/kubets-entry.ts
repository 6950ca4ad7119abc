// Runs `kubets <subcommand>` from source (tsx), so the benchmark needs no build.
import { main } from '../../src/cmd/main.js';

await main(process.argv.slice(2));
