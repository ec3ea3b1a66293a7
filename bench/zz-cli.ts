import { main } from '../harness/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
