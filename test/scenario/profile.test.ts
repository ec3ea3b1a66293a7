// A scenario's `profile:` (issue 13 item 10): resolved from the scenario file, only profile files
// accepted, nothing of another file ever echoed, and `harness validate` checks it. Each case runs the
// real CLI (in-process) on temp projects; the runs use the reference broker.
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenarios } from '../../harness/scenario/index.js';
import { loadProfile } from '../../harness/network/index.js';
import { formatIssue } from '../../harness/errors.js';
import { project, runCli } from '../cli/helpers.js';

// Looks like /etc/shadow: every line is a YAML map key, which is how its lines used to reach
// messages ("unknown key 'root:…'").
const SHADOW = [
  'root:$6$Zq9secretsalt$hashhashhashhashhashhash:20228:0:99999:7:::',
  'daemon:*:20228:0:99999:7:::',
  'alice:$6$pepper$anotherhashanotherhash:20228:0:99999:7:::',
].join('\n');
const SECRETS_YAML = 'db_password: hunter2-very-secret\napi-token: tok_41f9c2e7\nname: 42\n';

const scenario = (profile: string): string =>
  `name: with-profile\nmqtt: '5.0'\nprofile: ${profile}\nsteps:\n  - connect: {}\n  - disconnect: {}\n`;

const LATENCY_PROFILE = 'name: tiny-delay\ntoxics:\n  - type: latency\n    attributes: { latency: 1 }\n';

function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

function expectNoLineOf(secret: string, ...outputs: string[]): void {
  const all = outputs.join('\n');
  for (const line of linesOf(secret)) {
    expect(all).not.toContain(line);
    // Nor the part a YAML parser would have read as a key.
    expect(all).not.toContain(line.replace(/:+$/, ''));
  }
}

async function readIfPresent(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

async function readable(file: string): Promise<boolean> {
  return access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
}

describe('a profile that is not a profile file', () => {
  const cases = [
    {
      name: 'a shadow-like file given by absolute path',
      file: 'private/shadow',
      text: SHADOW,
      absolute: true,
    },
    {
      name: 'a YAML file that is not a profile',
      file: 'private/secrets.yaml',
      text: SECRETS_YAML,
      absolute: false,
    },
  ];
  async function setUp(file: string, text: string, absolute: boolean): Promise<string> {
    const dir = await project({ [file]: text });
    await mkdir(join(dir, 's'));
    await writeFile(join(dir, 's/with-profile.yaml'), scenario(absolute ? join(dir, file) : `../${file}`));
    return dir;
  }

  for (const { name, file, text, absolute } of cases) {
    it(`${name}: harness run shows none of its lines in the console, results.json or report.md`, async () => {
      const dir = await setUp(file, text, absolute);
      const run = await runCli(['run', 's', '-t', 'reference', '-r', 'list', '-r', 'markdown'], dir);
      const results = await readIfPresent(join(dir, 'reports', 'results.json'));
      const markdown = await readIfPresent(join(dir, 'reports', 'report.md'));
      expectNoLineOf(text, run.stdout, run.stderr, results, markdown);
      expect(run.code).toBe(2); // an invalid scenario: nothing runs
    });

    it(`${name}: the scenario is invalid, at its profile: key (loader and harness validate)`, async () => {
      const dir = await setUp(file, text, absolute);
      const checked = await checkScenarios(['s'], { cwd: dir });
      expect(checked.scenarios).toEqual([]);
      expect(checked.issues.map(formatIssue)).toEqual([
        expect.stringMatching(/^s\/with-profile\.yaml:3:1: profile: /),
      ]);
      expectNoLineOf(text, checked.issues.map(formatIssue).join('\n'));
      const validate = await runCli(['validate', 's'], dir);
      expectNoLineOf(text, validate.stdout, validate.stderr);
      expect(validate.code).toBe(2);
      expect(validate.stderr).toMatch(/s\/with-profile\.yaml:3:1: profile: /);
    });
  }

  it('--profile naming such a file fails the runs without echoing it (console, results.json, report.md)', async () => {
    const dir = await project({
      'private/shadow': SHADOW,
      'private/secrets.yaml': SECRETS_YAML,
      's/plain.yaml': "name: plain\nmqtt: '5.0'\nsteps:\n  - connect: {}\n  - disconnect: {}\n",
    });
    for (const profile of [join(dir, 'private/shadow'), 'private/secrets.yaml']) {
      const run = await runCli(
        ['run', 's', '-t', 'reference', '-p', profile, '-r', 'list', '-r', 'markdown'],
        dir,
      );
      expect(run.code).not.toBe(0);
      const results = await readIfPresent(join(dir, 'reports', 'results.json'));
      const markdown = await readIfPresent(join(dir, 'reports', 'report.md'));
      expectNoLineOf(SHADOW, run.stdout, run.stderr, results, markdown);
      expectNoLineOf(SECRETS_YAML, run.stdout, run.stderr, results, markdown);
    }
    await expect(loadProfile(join(dir, 'private/shadow'), dir)).rejects.toMatchObject({
      reason: 'PROFILE_INVALID',
      message: expect.stringMatching(/is not a network profile file/),
    });
  });

  it('profile: /etc/shadow (when this machine has one): never echoed, refused by run and validate', async () => {
    if (!(await readable('/etc/shadow'))) return; // nothing to leak on this machine
    const shadow = await readFile('/etc/shadow', 'utf8');
    const dir = await project({ 's/with-profile.yaml': scenario('/etc/shadow') });
    const run = await runCli(['run', 's', '-t', 'reference', '-r', 'list', '-r', 'markdown'], dir);
    const results = await readIfPresent(join(dir, 'reports', 'results.json'));
    const markdown = await readIfPresent(join(dir, 'reports', 'report.md'));
    const validate = await runCli(['validate', 's'], dir);
    expectNoLineOf(shadow, run.stdout, run.stderr, results, markdown, validate.stdout, validate.stderr);
    expect(run.code).toBe(2);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(
      /s\/with-profile\.yaml:3:1: profile: '\/etc\/shadow' is not a network profile file/,
    );
  });
});

describe('profile: resolution', () => {
  it('is relative to the scenario file: a run from another directory applies it', async () => {
    const dir = await project({
      'net/with-profile.yaml': scenario('profiles/tiny-delay.yaml'),
      'net/profiles/tiny-delay.yaml': LATENCY_PROFILE,
    });
    const elsewhere = await mkdtemp(join(tmpdir(), 'harness-elsewhere-'));
    const run = await runCli(['run', join(dir, 'net'), '-t', 'reference', '-r', 'dot'], elsewhere);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(await readFile(join(elsewhere, 'reports', 'results.json'), 'utf8')) as {
      scenarios: { verdict: string; profile: string }[];
    };
    expect(json.scenarios).toEqual([
      expect.objectContaining({ verdict: 'passed', profile: join(dir, 'net/profiles/tiny-delay.yaml') }),
    ]);
    // From the project directory the profile is named like the scenario file: relative.
    const { scenarios } = await checkScenarios(['net'], { cwd: dir });
    expect(scenarios[0]?.profile).toBe(join('net', 'profiles', 'tiny-delay.yaml'));
  });

  it('a bare name is a built-in, or profiles/NAME.yaml beside the scenario or in a parent directory', async () => {
    const dir = await project({
      'scenarios/deep/a.yaml': scenario('tiny-delay').replace('with-profile', 'a'),
      'scenarios/b.yaml': scenario('lan').replace('with-profile', 'b'),
      'scenarios/profiles/tiny-delay.yaml': LATENCY_PROFILE,
    });
    const { scenarios, issues } = await checkScenarios(['scenarios'], { cwd: dir });
    expect(issues).toEqual([]);
    expect(Object.fromEntries(scenarios.map((s) => [s.name, s.profile]))).toEqual({
      a: join('scenarios', 'profiles', 'tiny-delay.yaml'),
      b: 'lan',
    });
  });

  it('harness validate reports a missing or invalid profile at the profile: key', async () => {
    const dir = await project({
      's/missing.yaml': scenario('profiles/nope.yaml').replace('with-profile', 'missing'),
      's/unknown.yaml': scenario('no-such-profile').replace('with-profile', 'unknown'),
      's/invalid.yaml': scenario('profiles/bad.yaml').replace('with-profile', 'invalid'),
      's/profiles/bad.yaml': 'name: bad\ntoxics:\n  - type: warp\n',
    });
    const result = await runCli(['validate', 's'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^s\/invalid\.yaml:3:1: profile: invalid network profile: s\/profiles\/bad\.yaml:3:11: toxics\[0\]\.type: must be one of "latency", /m,
    );
    expect(result.stderr).toMatch(
      /^s\/missing\.yaml:3:1: profile: network profile file not found: s\/profiles\/nope\.yaml$/m,
    );
    expect(result.stderr).toMatch(
      /^s\/unknown\.yaml:3:1: profile: network profile 'no-such-profile' not found/m,
    );
  });
});
