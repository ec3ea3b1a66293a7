// The committed example under reports/examples/ is the output of one real run of
// scripts/make-example-report.ts: these checks catch a partial regeneration (files from different
// runs), a run that lost a target, profile or sweep, and a hand-edited result file.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunResult } from '../../harness/compare/index.js';

const dir = resolve(import.meta.dirname, '../../reports/examples');
const TARGETS = ['reference', 'mosquitto', 'aedes'];
const WORKLOADS = ['example-pairs-qos1', 'example-fanout-qos0'];
const PROFILES = ['lan', '3g', 'lossy-5'];

describe('reports/examples', () => {
  it('results.json is a valid RunResult: both sweeps on every target under lan, 3g and lossy-5', async () => {
    const result = await readRunResult(resolve(dir, 'results.json'));
    expect(result.targets.map((t) => t.name).sort()).toEqual([...TARGETS].sort());
    expect(result.profiles.map((p) => p.name)).toEqual(PROFILES);
    for (const target of TARGETS) {
      for (const profile of PROFILES) {
        for (const name of WORKLOADS) {
          const sweep = result.sweeps?.find(
            (s) => s.target === target && s.profile === profile && s.name === name,
          );
          expect(sweep, `${name} × ${target} × ${profile}`).toBeDefined();
          // lan: five climbs against a tight SLO (the sweeps' `profiles.lan`); 3g, lossy-5: two, p99 ≤ 1 s.
          expect(sweep!.repetitions.length).toBe(profile === 'lan' ? 5 : 2);
          expect(sweep!.slo.text).toBe(
            profile === 'lan' ? 'p50=5ms, p99=100ms, delivered≥99%' : 'p99=1s, delivered≥99%',
          );
          for (const repetition of sweep!.repetitions) expect(repetition.steps.length).toBeGreaterThan(0);
        }
      }
    }
    // lossy-5 went through the kernel backend, or the profile says why not.
    const lossy = result.profiles.find((p) => p.name === 'lossy-5');
    expect(lossy?.backend === 'proxy+kernel' || (lossy?.notes ?? []).length > 0).toBe(true);
  });

  it('report.html, report.md and junit.xml come from the same run as results.json', async () => {
    const result = await readRunResult(resolve(dir, 'results.json'));
    const html = await readFile(resolve(dir, 'report.html'), 'utf8');
    const embedded = /<script type="application\/json" id="run-result">([\s\S]*?)<\/script>/.exec(html);
    expect(embedded).not.toBeNull();
    const fromHtml = JSON.parse(embedded![1]!) as { startedAt: string; summary: unknown };
    expect(fromHtml.startedAt).toBe(result.startedAt);
    expect(fromHtml.summary).toEqual(result.summary);
    expect(html).toContain('<section id="compare">'); // the comparison views
    const version = result.sweeps?.find((s) => s.name === 'example-pairs-qos1')?.mqttVersion;
    expect(html).toContain(
      `aria-label="Latency against delivered rate: example-pairs-qos1 · MQTT ${version} (lossy-5)"`,
    );

    const md = await readFile(resolve(dir, 'report.md'), 'utf8');
    expect(md).toContain(`started ${result.startedAt}`);
    expect(md).toContain('**maximum sustainable rate');

    const junit = await readFile(resolve(dir, 'junit.xml'), 'utf8');
    const tests = /<testsuites[^>]* tests="(\d+)"/.exec(junit);
    expect(Number(tests?.[1])).toBe(result.scenarios.length + result.loads.length);
  });

  it('has a screenshot of the HTML report', async () => {
    const png = await readFile(resolve(dir, 'report.png'));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect((await stat(resolve(dir, 'report.png'))).size).toBeGreaterThan(10_000);
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1000); // width: readable desktop layout
  });
});
