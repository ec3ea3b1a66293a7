// Generates reports/examples/ (results.json, report.html, report.md, junit.xml) from a REAL run:
// conformance and load scenarios against the reference broker and Mosquitto, through the network
// profiles lan, 3g and lossy-5. Run it with:
//   npx tsx scripts/make-example-report.ts [--output-dir DIR] [paths...]
// (default paths: scenarios/basic scenarios/conformance scenarios/load; default output
// reports/examples). It calls the programmatic API as `harness run` does; the exit code is 0 when
// the reports were written, whatever the verdicts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runHarness } from '../harness/api.js';
import { loadConfig } from '../harness/config/index.js';
import { createReporter } from '../harness/reporters/index.js';

const root = resolve(import.meta.dirname, '..');
const args = parseArgs({ allowPositionals: true, options: { 'output-dir': { type: 'string' } } });
const outputDir = resolve(root, args.values['output-dir'] ?? 'reports/examples');
const requested = args.positionals;
const paths = (
  requested.length > 0 ? requested : ['scenarios/basic', 'scenarios/conformance', 'scenarios/load']
)
  .map((p) => resolve(root, p))
  .filter((p) => existsSync(p));

const config = await loadConfig(
  {
    paths,
    targets: ['reference', 'mosquitto'],
    profiles: ['lan', '3g', 'lossy-5'],
    outputDir,
    reporters: ['list', 'json', 'junit', 'markdown', 'html'],
  },
  { cwd: root, isTTY: Boolean(process.stdout.isTTY), env: process.env },
);

const reporter = createReporter(config.reporters, {
  stdout: process.stdout,
  stderr: process.stderr,
  outputDir,
  isTTY: Boolean(process.stdout.isTTY),
  env: {}, // never append the example to a CI job summary
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

const result = await runHarness({
  paths: config.paths,
  targets: config.selectedTargets,
  profiles: config.profiles,
  workers: config.workers,
  bail: false,
  tags: config.tags,
  mqtt: config.mqtt,
  timeouts: config.timeouts,
  reporters: [reporter],
  signal: controller.signal,
  cwd: root,
  outputDir,
  config,
});

process.stdout.write(
  `\nExample reports written to ${outputDir}: results.json, report.html, report.md, junit.xml ` +
    `(${result.scenarios.length} scenario runs, ${result.loads.length} loads)\n`,
);
