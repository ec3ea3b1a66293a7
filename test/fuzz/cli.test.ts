// `harness fuzz` through the real CLI dispatcher: usage errors exit 2; a short run of one phase
// against the reference broker (started as a process of its own from bin/harness.js, built by
// `npm run build`) exits 0 and writes fuzz-result.json with the broker's RSS and open files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, runCli } from '../cli/helpers.js';

describe('harness fuzz (CLI)', () => {
  it('refuses an unknown phase and a bad --seconds with exit code 2', async () => {
    const dir = await project({});
    const phase = await runCli(['fuzz', '--phase', 'bogus'], dir);
    expect(phase.code).toBe(2);
    expect(phase.stderr).toMatch(/unknown phase bogus/);
    const seconds = await runCli(['fuzz', '--seconds', 'zero'], dir);
    expect(seconds.code).toBe(2);
    expect(seconds.stderr).toMatch(/--seconds must be a positive number/);
  });

  it('a short packets run against the reference broker process passes and reports its RSS', async () => {
    const dir = await project({});
    const run = await runCli(
      ['fuzz', '--seconds', '2', '--phase', 'packets', '--seed', '9', '-o', 'out'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/fuzz: seed 9, 2 s, phases packets/);
    expect(run.code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'out', 'fuzz-result.json'), 'utf8')) as {
      passed: boolean;
      before: { rssKb?: number; openFiles?: number };
      phases: { phase: string; after: { rssKb?: number } }[];
    };
    expect(result.passed).toBe(true);
    expect(result.before.rssKb).toBeGreaterThan(0);
    expect(result.before.openFiles).toBeGreaterThan(0);
    expect(result.phases[0]?.after.rssKb).toBeGreaterThan(0);
  }, 120_000);
});
