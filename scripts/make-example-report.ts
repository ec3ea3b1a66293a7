// Generates reports/examples/ (results.json, report.html, report.md, junit.xml, report.png) from a
// REAL run: rate sweeps of the reference broker, Mosquitto and Aedes through the network profiles
// lan, 3g and lossy-5 — ten QoS 1 pairs and a QoS 0 fan-out to ten subscribers, the offered rate
// climbing to each broker's knee (under lan with a tight SLO and five climbs, under 3g and lossy-5
// with a generous one and two climbs: the sweeps' `profiles` entries), the targets interleaved —
// rendered with the comparison views. Run it with:
//   npx tsx scripts/make-example-report.ts [--output-dir DIR] [--no-screenshot] [--baseline TARGET]
//       [-t TARGET]... [-p PROFILE]... [--broker-cpus LIST] [--generator-cpus LIST]
//       [--from results.json] [paths...]
// --broker-cpus and --generator-cpus are harness run's (docs/load.md, Placement): on a 2-core
// machine `--broker-cpus 0 --generator-cpus 1` gives the brokers and the load's worker threads
// cores of their own, which a saturation order of the brokers needs.
// Default paths: reports/examples/sweep-pairs-qos1.yaml and sweep-fanout-qos0.yaml (add
// scenarios/basic for conformance too). Default output: reports/examples. It calls the programmatic
// API as `harness run` does, then takes a screenshot of the comparison in report.html with
// playwright-core and the system Chromium (CHROMIUM=/path overrides /usr/bin/chromium). The exit
// code is 0 when the reports were written, whatever the verdicts; 1 when the run or the screenshot
// could not be made.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runHarness } from '../harness/api.js';
import { REFERENCE_PROCESS } from '../harness/targets/index.js';
import { readRunResult } from '../harness/compare/index.js';
import type { RunResult } from '../harness/result/model.js';
import { significantOrder } from '../harness/result/sweep-stats.js';
import { loadConfig } from '../harness/config/index.js';
import { createReporter } from '../harness/reporters/index.js';

const root = resolve(import.meta.dirname, '..');
const args = parseArgs({
  allowPositionals: true,
  options: {
    'output-dir': { type: 'string' },
    'no-screenshot': { type: 'boolean' },
    baseline: { type: 'string' },
    target: { type: 'string', short: 't', multiple: true },
    profile: { type: 'string', short: 'p', multiple: true },
    from: { type: 'string' },
    'broker-cpus': { type: 'string' },
    'generator-cpus': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.values.help) {
  process.stdout.write(
    'Usage: npx tsx scripts/make-example-report.ts [--output-dir DIR] [--no-screenshot] [--baseline TARGET]\n' +
      '         [-t TARGET]... [-p PROFILE]... [--broker-cpus LIST] [--generator-cpus LIST]\n' +
      '         [--from results.json] [paths...]\n' +
      '  --broker-cpus LIST     run every broker the run starts on these CPUs (e.g. 0)\n' +
      "  --generator-cpus LIST  pin the loads' worker threads to these CPUs (e.g. 1)\n",
  );
  process.exit(0);
}
const brokerCpus = args.values['broker-cpus'];
const generatorCpus = args.values['generator-cpus'];
const outputDir = resolve(root, args.values['output-dir'] ?? 'reports/examples');
const requested = args.positionals;
const wanted =
  requested.length > 0
    ? requested
    : ['reports/examples/sweep-pairs-qos1.yaml', 'reports/examples/sweep-fanout-qos0.yaml'];
const targets = args.values.target ?? ['reference', 'mosquitto', 'aedes'];
const profiles = args.values.profile ?? ['lan', '3g', 'lossy-5'];
const baselineTarget = args.values.baseline ?? targets[0]!;
const paths = wanted.map((p) => resolve(root, p));
const missing = paths.filter((p) => !existsSync(p));
if (missing.length > 0) {
  process.stderr.write(`make-example-report: no such path: ${missing.join(', ')}\n`);
  process.exit(1);
}

if (process.getuid?.() !== 0) {
  process.stderr.write(
    'make-example-report: not root: lossy-5 needs the kernel backend (CAP_NET_ADMIN); its runs will be ' +
      'reported as failed with the reason (KERNEL_UNAVAILABLE)\n',
  );
}

const config = await loadConfig(
  {
    paths,
    // The reference broker in a process of its own, as Mosquitto and Aedes run (and as harness bench
    // starts it): embedded, it would share the load generator's event loop.
    targets: targets.map((name) => (name === 'reference' ? REFERENCE_PROCESS : name)),
    profiles,
    outputDir,
    reporters: ['list', 'json', 'junit', 'markdown', 'html'],
    // Under lossy-5 a lost SYN or FIN is resent after 1 s, then 2 s, 4 s (TCP back-off): the default
    // 5 s wait of a step is sometimes too short on a busy machine, which would show as a failure
    // of the target when it is the network. 10 s keeps the example about the brokers.
    timeouts: { step: 10_000 },
    ...(brokerCpus === undefined ? {} : { brokerCpus }),
    ...(generatorCpus === undefined ? {} : { generatorCpus }),
  },
  { cwd: root, isTTY: Boolean(process.stdout.isTTY), env: process.env },
);

const reporter = createReporter(config.reporters, {
  stdout: process.stdout,
  stderr: process.stderr,
  outputDir,
  isTTY: Boolean(process.stdout.isTTY),
  env: {}, // never append the example to a CI job summary
  baselineTarget,
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

// --from FILE: render a saved result again (after a change to the reporters), without a new run.
const from = args.values.from;
const result: RunResult =
  from === undefined
    ? await runHarness({ config, bail: false, reporters: [reporter], signal: controller.signal, cwd: root })
    : await readRunResult(resolve(root, from));
if (from !== undefined) await reporter.onEnd?.(result);

const written = ['results.json', 'report.html', 'report.md', 'junit.xml'].filter((f) =>
  existsSync(join(outputDir, f)),
);
process.stdout.write(
  `\nExample reports written to ${outputDir}: ${written
    .map((f) => `${f} (${Math.round(statSync(join(outputDir, f)).size / 1024)} KiB)`)
    .join(', ')} — ${result.scenarios.length} scenario runs, ${result.loads.length} loads, ` +
    `${Math.round(result.durationMs / 1000)} s\n`,
);
process.stdout.write(
  `  placement: broker CPUs ${result.targets.map((t) => `${t.name} ${t.cpus ?? 'unpinned'}`).join(', ')}` +
    ` · generator CPUs ${[...new Set(result.loads.map((l) => l.generator.cpus ?? 'unpinned'))].join(', ') || 'unpinned'}\n`,
);
for (const sweep of result.sweeps ?? []) {
  const m = sweep.maxSustainableRate;
  process.stdout.write(
    `  ${sweep.name} · ${sweep.target} · ${sweep.profile}: max sustainable ${m.values.join(', ')} msg/s (${sweep.bound})\n`,
  );
}
// The ranking by maximum sustainable rate, per workload and profile: what two regenerations compare.
const sweeps = result.sweeps ?? [];
for (const name of [...new Set(sweeps.map((s) => s.name))])
  for (const profile of [...new Set(sweeps.map((s) => s.profile))]) {
    const claims = significantOrder(sweeps.filter((s) => s.name === name && s.profile === profile));
    process.stdout.write(
      `  ranked · ${name} · ${profile}: ${
        claims.map((c) => `${c.higher} > ${c.lower}`).join(', ') || 'no significant difference'
      }\n`,
    );
  }
for (const profile of result.profiles) {
  process.stdout.write(
    `  profile ${profile.name}: backend ${profile.backend ?? 'none'}` +
      `${profile.notes ? `; ${profile.notes.join('; ')}` : ''}\n`,
  );
}

if (!args.values['no-screenshot']) {
  const html = join(outputDir, 'report.html');
  if (!existsSync(html)) {
    process.stderr.write(`make-example-report: ${html} was not written, no screenshot\n`);
    process.exit(1);
  }
  const png = join(outputDir, 'report.png');
  await screenshot(html, png);
  process.stdout.write(`Screenshot: ${png} (${Math.round(statSync(png).size / 1024)} KiB)\n`);
}

/** A full-page screenshot of the report at a readable desktop width, offline (the page loads nothing). */
async function screenshot(htmlPath: string, pngPath: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    // The header (badge) and the first workload's comparison down to its maximum sustainable rate
    // table (the charts, the ranking): what the example is for. The whole page without a comparison.
    const compare = page.locator('#compare h3').first();
    if ((await compare.count()) > 0) {
      const charts = page.locator('#compare table[data-metric="max-rate"]').first();
      const box = await charts.boundingBox();
      const height = Math.ceil((box?.y ?? 1600) + (box?.height ?? 0) + 16);
      await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width: 1280, height }, fullPage: true });
    } else await page.screenshot({ path: pngPath, fullPage: true, timeout: 30_000 });
  } finally {
    await browser.close();
  }
}
