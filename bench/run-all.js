// `npm run bench`: every benchmark in turn. Each one measures us beside a peer in the same run and
// prints the ratio; this script only runs them and reports which failed.
import { spawnSync } from 'node:child_process';

const benches = [
  'bench:broker',
  'bench:broker-memory',
  'bench:broker-soak',
  'bench:broker-login',
  'bench:load-cpu',
  'bench:accuracy',
  'bench:timer',
  'bench:load-max',
  'bench:proxy',
  'bench:connections',
];
const only = process.argv.slice(2);
let failed = 0;
for (const name of benches) {
  if (only.length > 0 && !only.some((word) => name.includes(word))) continue;
  process.stdout.write(`\n=== npm run ${name} ===\n`);
  const { status } = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (status !== 0) {
    failed += 1;
    process.stdout.write(`${name} exited with ${status}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
