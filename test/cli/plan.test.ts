// The plan checks everything before anything starts: a bad profile, target or scenario is exit 2
// with one clear message, and no broker process is started (a marker file shows when one is).
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECT_SCENARIO, markedTargetConfig, project, runCli } from './helpers.js';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

async function markedProject(files: Record<string, string> = {}): Promise<string> {
  const dir = await project({ 's/one.yaml': CONNECT_SCENARIO, ...files });
  await writeFile(join(dir, 'harness.config.yaml'), await markedTargetConfig(dir));
  return dir;
}

describe('harness run: problems are found before anything starts', () => {
  it('the marker target really marks a start (control), and the console names the reports', async () => {
    const dir = await markedProject();
    const result = await runCli(['run', 's', '-t', 'marked', '-p', 'lan', '--mqtt', '3.1.1'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await exists(join(dir, 'started'))).toBe(true);
    expect(result.stdout).toMatch(/^Reports: reports\/results\.json$/m);
  });

  it('-p with an unknown profile: exit 2, one message, no broker started, nothing written', async () => {
    const dir = await markedProject();
    const result = await runCli(['run', 's', '-t', 'marked', '-p', 'typo'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^harness run: network profile 'typo' not found \(built-ins: lan,/);
    expect(result.stderr.match(/network profile/g)).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(await exists(join(dir, 'started'))).toBe(false);
    expect(await exists(join(dir, 'reports'))).toBe(false);
  });

  it('an invalid profile file: exit 2 with file:line, no broker started', async () => {
    const dir = await markedProject({
      'slow.yaml': 'name: slow\ntoxics:\n  - type: latency\n    wrong: 1\n',
    });
    const result = await runCli(['run', 's', '-t', 'marked', '-p', 'slow.yaml'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid network profile .*slow\.yaml/);
    expect(result.stderr).toMatch(/slow\.yaml:4:\d+: toxics\[0\]\.wrong: unknown key 'wrong'/);
    expect(await exists(join(dir, 'started'))).toBe(false);
  });

  it("a scenario's own profile that does not exist: exit 2 naming the scenario's file:line", async () => {
    const dir = await markedProject({
      's/two.yaml': `profile: nowhere\n${CONNECT_SCENARIO.replace('connect-basic', 'two')}`,
    });
    const result = await runCli(['run', 's', '-t', 'marked'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/s\/two\.yaml:[\d:]+ profile: network profile 'nowhere' not found/);
    expect(await exists(join(dir, 'started'))).toBe(false);
  });

  it('several problems are reported together', async () => {
    const dir = await markedProject();
    const result = await runCli(['run', 's', '-t', 'marked', '-t', 'nats', '-p', 'typo', '-r', 'fancy'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/3 problems/);
    expect(result.stderr).toMatch(/unknown reporter 'fancy'/);
    expect(result.stderr).toMatch(/unknown target 'nats'/);
    expect(result.stderr).toMatch(/network profile 'typo' not found/);
    expect(await exists(join(dir, 'started'))).toBe(false);
  });

  it('the JSON report carries the package version', async () => {
    const dir = await project({ 's/one.yaml': CONNECT_SCENARIO });
    const result = await runCli(['run', 's', '--mqtt', '5.0'], dir);
    expect(result.code).toBe(0);
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const json = JSON.parse(await readFile(join(dir, 'reports', 'results.json'), 'utf8')) as {
      tool: { version: string };
    };
    expect(json.tool.version).toBe(pkg.version);
    expect((await runCli(['--version'], dir)).stdout).toBe(`${pkg.version}\n`);
  });
});
