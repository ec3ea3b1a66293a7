// The HTML report opened in a real browser (Debian chromium via playwright-core) from file://:
// it renders without console errors or network requests, its charts are non-empty SVG, tables
// are readable, and a screenshot is saved to test-output/report.png for a human to look at.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../../harness/compare/index.js';
import { renderHtml } from '../../harness/reporters/index.js';
import { buildRunResult } from './fixtures/run-result.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('test-output');

describe('HTML report in chromium', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
    const baseline = buildRunResult();
    const current = buildRunResult({ loadScale: 1.2, fixPublish: true });
    await mkdir(OUT, { recursive: true });
    file = join(OUT, 'report.html');
    await writeFile(file, renderHtml(current, { comparison: compare(baseline, current) }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 20_000,
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
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders charts and tables offline without console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 15_000 });

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll('g.series path')].map((p) =>
          (p as unknown as { getTotalLength(): number }).getTotalLength(),
        );
        const dots = svg.querySelectorAll('g.series circle').length;
        return {
          title: svg.getAttribute('aria-label') ?? '',
          width: box.width,
          height: box.height,
          paths,
          dots,
        };
      }),
    );
    // 2 profiles with loads: lan (2 targets) and 3g: a percentile, a rate and a p99 chart each, and
    // in the comparison one latency-against-delivered-rate chart each (one rate: points, no lines).
    expect(charts.length).toBe(8);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(100);
      if (chart.title.startsWith('Latency against delivered rate')) {
        expect(chart.paths).toEqual([]);
        expect(chart.dots).toBeGreaterThanOrEqual(2); // p50 and p99 of each target
        continue;
      }
      expect(chart.paths.length).toBeGreaterThan(0);
      for (const length of chart.paths) expect(length).toBeGreaterThan(10);
    }
    const lanCurve = charts.find(
      (c) => c.title.startsWith('Latency by percentile') && c.title.includes('(lan)'),
    );
    expect(lanCurve?.paths.length).toBe(2); // reference and mosquitto side by side

    // Tables are server-rendered: the matrix and the evidence are in the DOM as text.
    const matrix = await page.locator('#overview table').last().innerText();
    expect(matrix).toContain('mosquitto');
    const evidence = await page.locator('#failures').innerText();
    expect(evidence).toContain('timed out after 2000ms waiting for <PUBLISH>');
    expect(evidence).toContain('30 04 00 01 74 01');
    const comparison = await page.locator('#comparison').innerText();
    expect(comparison).toMatch(/regressed/);
    // The inline data is the RunResult itself.
    const data = await page.$eval(
      '#run-result',
      (el) => JSON.parse(el.textContent ?? '{}') as { schemaVersion: number },
    );
    expect(data.schemaVersion).toBe(1);

    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    await page.close();
  });

  it('shows its tables with JavaScript disabled', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 15_000 });
    expect(await page.locator('table').count()).toBeGreaterThan(5);
    expect(await page.locator('svg.chart path').count()).toBeGreaterThan(0);
    await context.close();
  });
});
