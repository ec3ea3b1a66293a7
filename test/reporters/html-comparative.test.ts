// The comparative views in a real browser (Debian chromium via playwright-core, from file://):
// three targets under lan, 3g and lossy-5 with one saturated cell. Checked: one chart per profile
// with the SLO drawn, a table per metric with targets as columns and profiles in order, the greyed
// inconclusive cell and the badge, no console errors, and the same tables with JavaScript off.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../harness/reporters/index.js';
import { load, threeByThree } from './fixtures/comparative.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('test-output');

describe('comparative views in chromium', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
    const result = threeByThree();
    // A second rate for each target on lan (a line, not points), and a saturated aedes run on 3g.
    for (const target of ['reference', 'mosquitto', 'aedes'])
      result.loads.push(
        load({ target, profile: 'lan', medianUs: target === 'mosquitto' ? 700 : 1400, rate: 400 }),
      );
    const aedes3g = result.loads.find((l) => l.target === 'aedes' && l.profile === '3g')!;
    aedes3g.generator = { ...aedes3g.generator, saturated: true, eventLoopLagP99Ms: 180 };
    await mkdir(OUT, { recursive: true });
    file = join(OUT, 'report-comparative.html');
    await writeFile(file, renderHtml(result, { baselineTarget: 'mosquitto' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 20_000,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a chart per profile, a table per metric, the inconclusive cell and badge, without errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 15_000 });
    expect(problems).toEqual([]);

    const charts = await page.$$eval('#compare svg.chart', (svgs) =>
      svgs.map((svg) => ({
        title: svg.getAttribute('aria-label') ?? '',
        height: svg.getBoundingClientRect().height,
        lines: svg.querySelectorAll('g.series path').length,
        dots: svg.querySelectorAll('g.series circle').length,
        slo: svg.querySelector('g.reference title')?.textContent ?? '',
      })),
    );
    expect(charts.map((c) => String(c.title).replace(/.*\((.*)\)$/, '$1'))).toEqual(['lan', '3g', 'lossy-5']);
    for (const chart of charts) {
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.slo).toBe('SLO p99 20ms');
    }
    // lan: two rates per target, so a p50 and a p99 line per target; 3g: one rate, points only.
    expect(charts[0]!.lines).toBe(6);
    expect(charts[1]!.lines).toBe(0);
    expect(charts[1]!.dots).toBe(6);

    const table = page.locator('#compare table[data-metric="p99"]');
    const header = await table.locator('th').allInnerTexts();
    expect(header).toEqual(['profile', 'offered', 'reference', 'mosquitto (baseline)', 'aedes']);
    const profiles = await table.locator('tbody tr td:first-child').allInnerTexts();
    expect(profiles).toEqual(['lan', 'lan', '3g', 'lossy-5']);
    expect(await page.locator('#compare table.compare').count()).toBe(5);
    // reference has twice mosquitto's latency: significantly worse against the baseline.
    expect(await table.locator('tbody tr').first().locator('td').nth(2).innerText()).toMatch(
      /Δ \+\d+(\.\d)?% worse/,
    );

    const grey = page.locator('#compare .cell.inconclusive').first();
    expect(await grey.innerText()).toContain('generator saturated');
    const background = await grey.evaluate(
      (el) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundImage: string } }
        ).getComputedStyle(el).backgroundImage,
    );
    expect(background).toContain('repeating-linear-gradient');
    expect(await page.locator('header .badge.inconclusive').innerText()).toBe('1 inconclusive');
    // At 1280 px the tables fit: the page does not scroll sideways and no cell's text spills over.
    const widths = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
        .document;
      const cells = [
        ...(
          globalThis as unknown as {
            document: { querySelectorAll(s: string): Iterable<{ scrollWidth: number; clientWidth: number }> };
          }
        ).document.querySelectorAll('#compare td'),
      ];
      return {
        page: doc.documentElement.scrollWidth,
        spilling: cells.filter((td) => td.scrollWidth > td.clientWidth + 1).length,
      };
    });
    expect(widths).toEqual({ page: 1280, spilling: 0 });
    await page.screenshot({ path: join(OUT, 'report-comparative.png'), fullPage: true });
    await page.close();
  });

  it('shows the same tables and charts with JavaScript disabled', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 15_000 });
    expect(await page.locator('#compare table.compare').count()).toBe(5);
    expect(await page.locator('#compare svg.chart').count()).toBe(3);
    expect(await page.locator('#compare table[data-metric="max-rate"]').innerText()).toContain('≥ 400/s');
    await context.close();
  });
});
