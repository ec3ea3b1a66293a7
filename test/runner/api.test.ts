// runHarness over real sockets to a scripted broker (URL targets): filters, bail, reporter hooks,
// a target that cannot be reached, options validation.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';
import type { Reporter } from '../../harness/reporters/types.js';
import type { ScenarioResult } from '../../harness/result/model.js';
import { CONNACK_311, CONNACK_5, startFakeBroker, type FakeBroker } from './fake-broker.js';

let broker: FakeBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

/** Accepts everyone (answering in the CONNECT's protocol version), answers PINGREQ. */
async function politeBroker(): Promise<string> {
  broker = await startFakeBroker((type, frame, c) => {
    if (type === 1) c.send(frame[8] === 5 ? CONNACK_5 : CONNACK_311);
    if (type === 12) c.send('d0 00');
  });
  return `mqtt://127.0.0.1:${broker.port}`;
}

async function scenarios(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-api-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const ok = (name: string, extra = ''): string =>
  `name: ${name}\n${extra}steps:\n  - connect: {}\n  - ping: {}\n`;
const bad = (name: string): string =>
  `name: ${name}\nsteps:\n  - connect: {}\n  - expect: { packet: { type: puback }, timeout: 100 }\n`;

describe('runHarness', () => {
  it('runs every scenario × version, calls the reporter hooks, and summarises', async () => {
    const url = await politeBroker();
    const dir = await scenarios({ 'a.yaml': ok('alpha'), 'b.yaml': bad('beta') });
    const seen: string[] = [];
    const reporter: Reporter = {
      onBegin: (info) => seen.push(`begin ${info.total}`),
      onScenarioEnd: (r) => seen.push(`${r.name} ${r.mqttVersion} ${r.verdict}`),
      onEnd: (r) => void seen.push(`end ${r.summary.total}`),
    };
    const result = await runHarness({
      paths: [dir],
      targets: [url],
      reporters: reporter,
      workers: 2,
      cwd: dir,
    });
    expect(result.summary).toMatchObject({ total: 4, passed: 2, failed: 2 });
    expect(result.scenarios.map((s) => `${s.name} ${s.mqttVersion}`)).toEqual([
      'alpha 3.1.1',
      'alpha 5.0',
      'beta 3.1.1',
      'beta 5.0',
    ]);
    expect(seen[0]).toBe('begin 4');
    expect(seen.at(-1)).toBe('end 4');
    expect(seen.slice(1, -1).sort()).toEqual([
      'alpha 3.1.1 passed',
      'alpha 5.0 passed',
      'beta 3.1.1 failed',
      'beta 5.0 failed',
    ]);
    expect(result.scenarios[2]?.failure?.location).toBe('b.yaml:4');
  });

  it('filters by name, tag and version', async () => {
    const url = await politeBroker();
    const dir = await scenarios({
      'a.yaml': ok('conn-one', 'tags: [connect]\n'),
      'b.yaml': ok('conn-two', "tags: [connect, slow]\nmqtt: '5.0'\n"),
      'c.yaml': ok('other', 'tags: [retain]\n'),
    });
    const names = (r: { scenarios: ScenarioResult[] }): string[] =>
      r.scenarios.map((s) => `${s.name} ${s.mqttVersion}`);
    expect(
      names(await runHarness({ paths: [dir], targets: [url], grep: '^conn', mqtt: '3.1.1', cwd: dir })),
    ).toEqual(['conn-one 3.1.1']);
    expect(
      names(
        await runHarness({ paths: [dir], targets: [url], tags: ['slow', 'retain'], mqtt: ['5.0'], cwd: dir }),
      ),
    ).toEqual(['conn-two 5.0', 'other 5.0']);
  });

  it('stops after the first failure with bail', async () => {
    const url = await politeBroker();
    const dir = await scenarios({ 'a.yaml': bad('a-fails'), 'b.yaml': ok('b-ok'), 'c.yaml': ok('c-ok') });
    const result = await runHarness({
      paths: [dir],
      targets: [url],
      bail: true,
      workers: 1,
      mqtt: '3.1.1',
      cwd: dir,
    });
    expect(result.interrupted?.reason).toMatch(/^bail/);
    expect(result.scenarios.map((s) => `${s.name} ${s.verdict}`)).toEqual(['a-fails failed']);
  });

  it('fails the scenarios of a target that cannot start, and runs the others', async () => {
    const url = await politeBroker();
    const dir = await scenarios({ 'a.yaml': ok('alpha', "mqtt: '3.1.1'\n") });
    // Installed (the plan's check passes), but it exits at once instead of listening.
    const exits = { kind: 'command', options: { command: 'false', startTimeoutMs: 2000 } };
    const result = await runHarness({ paths: [dir], targets: [url, exits], cwd: dir });
    expect(result.scenarios.map((s) => `${s.target} ${s.verdict}`).sort()).toEqual(
      [`${url} passed`, 'command failed'].sort(),
    );
    expect(result.scenarios.find((s) => s.verdict === 'failed')?.reason).toMatch(/^target failed to start/);
  });

  it('throws HARNESS_TARGET_START_FAILED when no target starts', async () => {
    const dir = await scenarios({ 'a.yaml': ok('alpha') });
    // Refused by the plan (the URL does not answer) ...
    await expect(
      runHarness({ paths: [dir], targets: ['mqtt://127.0.0.1:1'], cwd: dir }),
    ).rejects.toMatchObject({ code: 'HARNESS_TARGET_START_FAILED' });
    // ... and by the execution (the broker exits at once).
    await expect(
      runHarness({
        paths: [dir],
        targets: [{ kind: 'command', options: { command: 'false', startTimeoutMs: 2000 } }],
        cwd: dir,
      }),
    ).rejects.toMatchObject({ code: 'HARNESS_TARGET_START_FAILED', message: /no target could be started/ });
  });

  it('rejects invalid options and invalid scenarios before starting anything', async () => {
    const dir = await scenarios({ 'a.yaml': ok('alpha') });
    await expect(runHarness({ paths: [dir], workers: 0, cwd: dir })).rejects.toMatchObject({
      code: 'HARNESS_OPTIONS_INVALID',
    });
    const broken = await scenarios({ 'a.yaml': 'name: x\nsteps: [{ nope: 1 }]\n' });
    await expect(runHarness({ paths: [broken], cwd: broken })).rejects.toMatchObject({
      code: 'HARNESS_SCENARIO_INVALID',
    });
  });

  it('refuses an unknown profile before starting anything, and lists every problem at once', async () => {
    const packets: number[] = [];
    broker = await startFakeBroker((type) => void packets.push(type));
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const dir = await scenarios({ 'a.yaml': ok('alpha') });
    const seen: string[] = [];
    const reporter: Reporter = { onBegin: () => seen.push('begin'), onEnd: () => void seen.push('end') };
    await expect(
      runHarness({ paths: [dir], targets: [url], profiles: ['typo'], reporters: reporter, cwd: dir }),
    ).rejects.toMatchObject({
      code: 'HARNESS_PROFILE_NOT_FOUND',
      message: /network profile 'typo' not found/,
    });
    expect(packets).toEqual([]); // the plan's reachability probe connects, but no scenario ran
    await expect(
      runHarness({
        paths: [dir],
        targets: [url, 'nats'],
        profiles: ['typo'],
        reporters: ['fancy'],
        cwd: dir,
      }),
    ).rejects.toMatchObject({
      name: 'PlanError',
      problems: [
        { code: 'HARNESS_REPORTER_UNKNOWN' },
        { code: 'HARNESS_OPTIONS_INVALID' },
        { code: 'HARNESS_PROFILE_NOT_FOUND' },
      ],
    });
    expect(seen).toEqual([]);
  });

  it('isolates a reporter that throws: the run goes on and the failure is reported', async () => {
    const url = await politeBroker();
    const dir = await scenarios({ 'a.yaml': ok('alpha', "mqtt: '3.1.1'\n") });
    const errors: string[] = [];
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        errors.push(chunk.toString());
        callback();
      },
    });
    const ends: number[] = [];
    const result = await runHarness({
      paths: [dir],
      targets: [url],
      cwd: dir,
      output: { stdout: stderr, stderr, isTTY: false },
      reporters: [
        {
          onScenarioEnd: () => {
            throw new Error('broken reporter');
          },
        },
        { onEnd: (r) => void ends.push(r.summary.passed) },
      ],
    });
    expect(result.summary).toMatchObject({ total: 1, passed: 1 });
    expect(ends).toEqual([1]);
    expect(errors.join('')).toMatch(/reporter 'reporter 1' failed in onScenarioEnd: Error: broken reporter/);
  });
});
