// A shard process started by --processes (launcher.ts): the CLI, as bin/harness.js runs it.
import { main } from '../cli/index.js';

process.exitCode = await main(process.argv.slice(2));
