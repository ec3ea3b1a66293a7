// The diff part of the result model rendered in the HTML report and opened in a real browser
// (Debian chromium via playwright-core): the section and its rows are there, offline, without errors.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DiffReport } from '../../harness/result/model.js';
import { renderDiff, renderHtml } from '../../harness/reporters/index.js';
import { buildRunResult } from '../reporters/fixtures/run-result.js';

const CHROMIUM = '/usr/bin/chromium';

const DIFF: DiffReport = {
  schemaVersion: 1,
  settings: { baseline: 'reference', timingToleranceMs: 500, timingFactor: 3 },
  targets: ['reference', 'mosquitto'],
  compared: 2,
  notCompared: [
    {
      scenario: 'v5-shared',
      mqttVersion: '5.0',
      profile: 'none',
      target: 'mosquitto',
      reason: 'skipped: lacks shared-subscriptions',
    },
  ],
  total: 3,
  rows: [
    {
      key: 'k1',
      class: 'both legal',
      aspect: 'reason code',
      target: 'mosquitto',
      packet: 'PUBCOMP',
      field: 'reasonCode',
      baseline: '0x92 (Packet Identifier not found)',
      other: '0x00 (Success)',
      summary: 'PUBCOMP reasonCode: reference 0x92 (Packet Identifier not found), mosquitto 0x00 (Success)',
      count: 2,
      statements: ['MQTT-3.7.2-1'],
      occurrences: [
        {
          scenario: 'v5-pubcomp-unknown-id',
          file: 'a.yaml',
          mqttVersion: '5.0',
          profile: 'none',
          step: 2,
          stepKind: 'expect',
          location: 'a.yaml:11',
          statements: ['MQTT-3.7.2-1'],
        },
      ],
      next: [
        'stricter scenario: pin reasonCode to 0x92 at a.yaml:11',
        "known deviation: add to the deviations file of 'mosquitto' <b>",
      ],
    },
    {
      key: 'k2',
      class: 'timing',
      aspect: 'timing',
      target: 'mosquitto',
      packet: 'CONNACK',
      baseline: '2 ms',
      other: '3001 ms',
      summary: 'CONNACK waited for: reference 2 ms, mosquitto 3001 ms',
      count: 1,
      statements: [],
      occurrences: [
        {
          scenario: 's',
          file: 'b.yaml',
          mqttVersion: '3.1.1',
          profile: 'none',
          step: 0,
          stepKind: 'connect',
          location: 'b.yaml:4',
          statements: [],
          baselineMs: 2,
          otherMs: 3001,
        },
      ],
      next: ['stricter scenario: give the step at b.yaml:4 a timeout'],
    },
  ],
};

describe('the diff in the reports', () => {
  it('prints the rows by class on the console', () => {
    const text = renderDiff(DIFF);
    expect(text).toContain(
      'Diff: baseline reference vs mosquitto — 2 scenario runs compared, 3 differences in 2 rows, 1 not compared',
    );
    expect(text).toMatch(/Both legal \(1 row, 2 occurrences\)\n {2}×2 \[reason code\] PUBCOMP reasonCode/);
    expect(text).toMatch(/Timing \(1 row, 1 occurrence\)/);
    expect(text).toContain('at a.yaml:11 (step 2 expect) v5-pubcomp-unknown-id [5.0]');
    expect(text).toContain('v5-shared [5.0] on mosquitto: skipped: lacks shared-subscriptions');
  });

  it('renders a Differences section in the HTML report, in chromium', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
    const out = resolve('test-output');
    await mkdir(out, { recursive: true });
    const file = join(out, 'diff-report.html');
    await writeFile(file, renderHtml({ ...buildRunResult(), diff: DIFF }));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 20_000,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(msg.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 15_000 });
      expect(await page.locator('nav a[href="#diff"]').innerText()).toBe('Differences');
      const section = await page.locator('#diff').innerText();
      expect(section).toContain('Baseline reference compared with mosquitto');
      expect(section).toContain(
        'PUBCOMP reasonCode: reference 0x92 (Packet Identifier not found), mosquitto 0x00 (Success)',
      );
      expect(section).toContain('a.yaml:11');
      expect(section).toContain("deviations file of 'mosquitto' <b>"); // escaped, shown as text
      expect(await page.locator('#diff table').count()).toBe(3); // both legal, timing, not compared
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
