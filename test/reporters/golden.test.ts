// Markdown and JUnit output of a fixed result, against golden files (UPDATE_GOLDEN=1 rewrites
// them); the JUnit XML is parsed back and checked against the result model.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderJUnit, renderMarkdown } from '../../harness/reporters/index.js';
import { buildRunResult } from './fixtures/run-result.js';
import { findAll, parseXml } from './xml.js';

const update = process.env['UPDATE_GOLDEN'] === '1';

async function golden(name: string, actual: string): Promise<void> {
  const file = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
  if (update) await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

describe('markdown', () => {
  it('matches the golden file', async () => {
    await golden('report.md', renderMarkdown(buildRunResult()));
  });

  it('lists every failure with expected and received evidence', () => {
    const md = renderMarkdown(buildRunResult());
    expect(md).toContain('❌ failed: <code>publish-qos1-puback [mosquitto · MQTT 5.0 · lan]</code>');
    expect(md).toContain('hex: 40 03 00 01 10');
    expect(md).toContain('decode error: [MQTT-2.1.2-1] reserved packet type 15');
    expect(md).toContain('received: nothing');
    // A ``` inside evidence must not close the code fence.
    const fences = md.split('\n').filter((line) => line.startsWith('```'));
    expect(fences.length % 2).toBe(0);
  });

  it('says passed when nothing failed', () => {
    const result = buildRunResult();
    const clean = { ...result, scenarios: result.scenarios.filter((s) => s.verdict === 'passed'), loads: [] };
    clean.summary = {
      ...result.summary,
      failed: 0,
      warnings: 0,
      deviations: 0,
      skipped: 0,
      loadsFailed: 0,
      total: clean.scenarios.length,
      passed: clean.scenarios.length,
    };
    const md = renderMarkdown(clean);
    expect(md.split('\n')[0]).toBe('## ✅ MQTT harness: passed');
    expect(md).not.toContain('### Failures');
  });
});

describe('junit', () => {
  it('matches the golden file', async () => {
    await golden('junit.xml', renderJUnit(buildRunResult()));
  });

  it('is well-formed and has one testcase per scenario run and per load', () => {
    const result = buildRunResult();
    const root = parseXml(renderJUnit(result));
    expect(root.name).toBe('testsuites');
    const cases = findAll(root, 'testcase');
    expect(cases.length).toBe(result.scenarios.length + result.loads.length);
    expect(new Set(cases.map((c) => c.attributes['name'])).size).toBe(cases.length);
    expect(root.attributes['tests']).toBe(String(cases.length));
    const failures = findAll(root, 'failure');
    expect(failures.length).toBe(result.summary.failed + result.summary.loadsFailed);
    expect(root.attributes['failures']).toBe(String(failures.length));
    const timeout = failures.find((f) => f.attributes['message']?.includes('<PUBLISH>'));
    expect(timeout?.attributes['message']).toBe(
      'timed out after 2000ms waiting for <PUBLISH> on "a/b & c" ```',
    );
    expect(timeout?.text).toContain('received: nothing');
    // skipped and known deviations → <skipped/>
    const skipped = findAll(root, 'skipped').map((s) => s.attributes['message']);
    expect(skipped).toContain('target lacks capability retain');
    expect(skipped.some((m) => m?.startsWith('known deviation'))).toBe(true);
    const suites = findAll(root, 'testsuite');
    const sum = (attr: string): number => suites.reduce((n, s) => n + Number(s.attributes[attr]), 0);
    expect(sum('tests')).toBe(cases.length);
    expect(sum('failures')).toBe(failures.length);
  });

  it('escapes characters XML cannot carry', () => {
    const result = buildRunResult();
    result.scenarios[0] = {
      ...result.scenarios[0]!,
      verdict: 'failed',
      reason: 'bad \u0001 byte ]]> <x>',
      name: 'a&b',
    };
    const root = parseXml(renderJUnit(result));
    const failure = findAll(root, 'failure').find((f) => f.attributes['message']?.startsWith('bad'));
    expect(failure?.attributes['message']).toBe('bad \ufffd byte ]]> <x>');
  });
});

describe('xml checker', () => {
  it('rejects malformed documents', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/mismatched/);
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow(/bare '&'/);
    expect(() => parseXml('<a x=1/>')).toThrow(/bad attributes/);
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
  });
});
