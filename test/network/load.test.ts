import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinProfileNames, loadProfile, NetworkError, parseProfile } from '../../harness/network/index.js';
import { activeUntil, isActive, nextActivation } from '../../harness/network/schedule.js';
import { sampleDelay } from '../../harness/network/distribution.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'net-profiles-'));
  await mkdir(join(dir, 'scenarios/profiles'), { recursive: true });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NetworkError);
    return [...(error as NetworkError).details];
  }
  throw new Error('expected an error');
}

describe('profile loading', () => {
  it('loads every built-in profile', async () => {
    const names = builtinProfileNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'lan',
        'wifi',
        '4g',
        '3g',
        '2g-edge',
        'satellite',
        'lossy-1',
        'lossy-5',
        'flapping',
        'bufferbloat',
      ]),
    );
    for (const name of names) {
      const profile = await loadProfile(name, dir);
      expect(profile.name).toBe(name);
      expect(profile.source).toBe('builtin');
    }
    const satellite = await loadProfile('satellite', dir);
    const latency = satellite.toxics
      .filter((t) => t.type === 'latency')
      .map((t) => Number(t.attributes['latency']));
    expect(latency.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(590); // ≈600 ms RTT
    expect((await loadProfile('lossy-5', dir)).kernel?.loss).toBe(5);
  });

  it('expands stream both into one toxic per direction and freezes the result', () => {
    const p = parseProfile('name: x\ntoxics:\n  - { type: latency, attributes: { latency: 5 } }\n', 'x.yaml');
    expect(p.toxics.map((t) => t.stream)).toEqual(['upstream', 'downstream']);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.toxics[0])).toBe(true);
  });

  it('finds scenarios/profiles/NAME.yaml and a path', async () => {
    await writeFile(
      join(dir, 'scenarios/profiles/slow.yaml'),
      'name: slow\ntoxics:\n  - type: bandwidth\n    stream: downstream\n    attributes: { rate: 10 }\n',
    );
    expect((await loadProfile('slow', dir)).toxics).toHaveLength(1);
    expect((await loadProfile('scenarios/profiles/slow.yaml', dir)).name).toBe('slow');
    await expect(loadProfile('nope', dir)).rejects.toMatchObject({ reason: 'PROFILE_NOT_FOUND' });
  });

  it('reports every problem with file:line, unknown keys included', () => {
    const text = [
      'name: bad', //                                   1
      'colour: red', //                                 2  unknown key
      'toxics:', //                                     3
      '  - type: latency', //                           4
      '    attributes:', //                             5
      '      latency: -3', //                           6  below minimum
      '      jiter: 2', //                              7  unknown attribute
      '  - type: warp', //                              8  unknown type
      '  - type: stall', //                             9  stall without schedule
      '  - type: slicer', //                            10
      '    attributes: { average_size: 10 }', //       11
      '    schedule: { every: 100 }', //                12 every without for
    ].join('\n');
    const errors = errorsOf(() => parseProfile(text, 'p.yaml'));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^p\.yaml:2:1: colour: unknown key 'colour'/),
        expect.stringMatching(/^p\.yaml:8:\d+: toxics\[1\]\.type: must be one of "latency", /),
      ]),
    );
    // Attribute problems are found once the outer shape is valid.
    const second = errorsOf(() =>
      parseProfile(text.replace('colour: red', '').replace('type: warp', 'type: blackhole'), 'p.yaml'),
    );
    expect(second).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^p\.yaml:6:\d+: toxics\[0\]\.attributes\.latency: must be >= 0/),
        expect.stringMatching(/^p\.yaml:7:7: toxics\[0\]\.attributes\.jiter: unknown key 'jiter'/),
        expect.stringMatching(/^p\.yaml:9:\d+: toxics\[2\]: a stall toxic needs a schedule/),
        expect.stringMatching(/^p\.yaml:12:\d+: toxics\[3\]\.schedule: schedule\.every needs schedule\.for/),
      ]),
    );
  });

  it('rejects invalid YAML with a line', () => {
    expect(errorsOf(() => parseProfile('name: [x\n', 'y.yaml'))[0]).toMatch(/^y\.yaml:\d+:\d+: /);
  });
});

describe('schedule', () => {
  it('computes periodic windows', () => {
    const s = { from: 1000, every: 500, for: 100 };
    expect(isActive(s, 999)).toBe(false);
    expect(activeUntil(s, 1000)).toBe(1100);
    expect(activeUntil(s, 1550)).toBe(1600);
    expect(isActive(s, 1650)).toBe(false);
    expect(nextActivation(s, 1650)).toBe(2000);
    expect(nextActivation({ from: 10, until: 20 }, 25)).toBeUndefined();
    expect(activeUntil(undefined, 5)).toBe(Infinity);
    expect(activeUntil({ from: 100, for: 50 }, 120)).toBe(150);
  });
});

describe('jitter distributions', () => {
  it('centre on the latency and never go below zero', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (const d of ['uniform', 'normal'] as const) {
      const samples = Array.from({ length: 4000 }, () => sampleDelay(50, 10, d, random));
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      expect(Math.abs(mean - 50)).toBeLessThan(1);
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    }
    const pareto = Array.from({ length: 4000 }, () => sampleDelay(50, 10, 'pareto', random));
    expect(Math.min(...pareto)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...pareto)).toBeGreaterThan(70);
  });
});

describe('scenarios/profiles', () => {
  it('every shipped profile file is valid', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir('scenarios/profiles')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const profile = await loadProfile(`scenarios/profiles/${file}`, process.cwd());
      expect(`${profile.name}.yaml`).toBe(file);
    }
  });
});
