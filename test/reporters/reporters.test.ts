// The built-in reporters through createReporter: lookup by name, the multiplexer's isolation of a
// failing reporter, what list/dot print, and where json/junit/markdown/html write.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createReporter,
  multiplex,
  renderSummary,
  UnknownReporterError,
  type Reporter,
} from '../../harness/reporters/index.js';
import type { RunResult } from '../../harness/result/model.js';
import { Capture } from './capture.js';
import { buildRunResult } from './fixtures/run-result.js';
import { parseXml } from './xml.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reporters-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drive(reporter: Reporter, result: RunResult): Promise<void> {
  reporter.onBegin?.({
    targets: ['reference', 'mosquitto'],
    profiles: ['lan', '3g'],
    total: result.scenarios.length,
  });
  for (const s of result.scenarios) reporter.onScenarioEnd?.(s);
  reporter.onLoadProgress?.({
    load: 'fanout-qos1',
    target: 'reference',
    elapsedMs: 1000,
    sentPerSec: 10,
    receivedPerSec: 9,
    p99Us: 1500,
    errors: 0,
  });
  for (const l of result.loads) reporter.onLoadEnd?.(l);
  await reporter.onEnd?.(result);
}

describe('createReporter', () => {
  it('rejects an unknown reporter name with a stable code', () => {
    const stdout = new Capture();
    expect(() => createReporter(['list', 'nope'], { stdout, isTTY: false })).toThrow(UnknownReporterError);
    try {
      createReporter(['nope'], { stdout, isTTY: false });
    } catch (error) {
      expect((error as UnknownReporterError).code).toBe('HARNESS_REPORTER_UNKNOWN');
    }
  });

  it('keeps going when one reporter throws, and says so on stderr', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const seen: string[] = [];
    const broken: Reporter = {
      onScenarioEnd: () => {
        throw new Error('boom');
      },
      onEnd: () => Promise.reject(new Error('late boom')),
    };
    const healthy: Reporter = { onScenarioEnd: (s) => seen.push(s.name), onEnd: () => void seen.push('end') };
    const reporter = multiplex(
      [
        { name: 'broken', reporter: broken },
        { name: 'healthy', reporter: healthy },
      ],
      { stdout, stderr, isTTY: false },
    );
    const result = buildRunResult();
    await drive(reporter, result);
    expect(seen.length).toBe(result.scenarios.length + 1);
    expect(stderr.text).toContain("reporter 'broken' failed in onScenarioEnd: Error: boom");
    expect(stderr.text).toContain("reporter 'broken' failed in onEnd: Error: late boom");
    expect(stdout.text).toBe('');
  });
});

describe('list reporter', () => {
  it('prints a line per scenario and load, then the summary; no progress line off a TTY', async () => {
    const stdout = new Capture();
    const result = buildRunResult();
    await drive(createReporter(['list'], { stdout, isTTY: false }), result);
    const text = stdout.text;
    expect(text).toContain('  ✓ connect-basic [reference · MQTT 5.0 · lan] 8ms\n');
    expect(text).toContain(
      '  ✗ publish-qos1-puback [mosquitto · MQTT 5.0 · lan] 1s — PUBACK reason code differs\n',
    );
    expect(text).toContain(
      '  - retain-handling-2 [mosquitto · MQTT 5.0 · lan] 0ms — target lacks capability retain\n',
    );
    expect(text).toContain('  ! will-delay-interval');
    expect(text).toContain('  ~ subscription-identifier');
    expect(text).toContain('  ✗ load fanout-qos1 [reference · MQTT 5.0 · 3g]');
    expect(text).not.toContain('\r');
    expect(text.endsWith(renderSummary(result))).toBe(true);
  });

  it('shows a progress line on a TTY and clears it before the next line', async () => {
    const stdout = new Capture();
    await drive(createReporter(['list'], { stdout, isTTY: true }), buildRunResult());
    const text = stdout.text;
    const progress = text.indexOf(
      '\r\x1b[2K  … fanout-qos1 [reference] 1s: sent 10/s, delivered 9/s, p99 1.5ms, errors 0',
    );
    expect(progress).toBeGreaterThan(0);
    expect(text.indexOf('\r\x1b[2K', progress + 5)).toBeGreaterThan(progress);
  });
});

describe('dot reporter', () => {
  it('prints one character per scenario and load', async () => {
    const stdout = new Capture();
    await drive(createReporter(['dot'], { stdout, isTTY: false }), buildRunResult());
    expect(stdout.text.split('\n')[0]).toBe('.....F.F.-!~LLX');
  });
});

describe('renderSummary', () => {
  it('has per-target counts, load figures and the evidence of failures', () => {
    const text = renderSummary(buildRunResult());
    expect(text).toMatch(/mosquitto\s+mosquitto\s+1\s+2\s+1\s+1\s+1\s+6/);
    expect(text).toContain('expected (one of)'.slice(0, 8));
    expect(text).toContain('hex: 40 03 00 01 10');
    expect(text).toContain('delivery QoS1 FAILED: lost 3');
    expect(text.trimEnd().split('\n').pop()).toMatch(
      /^FAILED: 7 passed, 2 failed, 1 skipped, 1 warnings, 1 deviations of 12 scenario runs; 3 loads, 1 failed/,
    );
  });
});

describe('file reporters', () => {
  it('write results.json, junit.xml, report.md and report.html into the output directory', async () => {
    const stdout = new Capture();
    const result = buildRunResult();
    await drive(
      createReporter(['json', 'junit', 'markdown', 'html'], {
        stdout,
        isTTY: false,
        outputDir: join(dir, 'out'),
      }),
      result,
    );
    expect(stdout.text).toBe('');
    const json = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    expect(json).toEqual(result);
    expect(parseXml(await readFile(join(dir, 'out', 'junit.xml'), 'utf8')).name).toBe('testsuites');
    expect(await readFile(join(dir, 'out', 'report.md'), 'utf8')).toContain('## ❌ MQTT harness: failed');
    expect(await readFile(join(dir, 'out', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('print json and junit to stdout when no output directory is set', async () => {
    const stdout = new Capture();
    const result = buildRunResult();
    await createReporter(['json'], { stdout, isTTY: false }).onEnd?.(result);
    expect(JSON.parse(stdout.text)).toEqual(result);
    const xml = new Capture();
    await createReporter(['junit'], { stdout: xml, isTTY: false }).onEnd?.(result);
    expect(parseXml(xml.text).name).toBe('testsuites');
  });

  it('append the markdown to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, 'before\n');
    const stdout = new Capture();
    await createReporter(['markdown'], {
      stdout,
      isTTY: false,
      outputDir: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    }).onEnd?.(buildRunResult());
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('before\n## ❌ MQTT harness: failed')).toBe(true);
  });
});
