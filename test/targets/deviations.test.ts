import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDeviations, parseDeviations } from '../../harness/targets/deviations.js';
import { startTarget } from '../../harness/targets/index.js';
import { loadScenarioFiles } from '../../harness/api.js';

describe('known deviations', () => {
  it('every bundled deviation names a catalogue scenario that cites its statement for that version', async () => {
    const dir = new URL('../../harness/targets/deviations/', import.meta.url);
    const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml'));
    expect(files.sort()).toEqual([
      'activemq.yaml',
      'aedes.yaml',
      'ejabberd.yaml',
      'mosquitto.yaml',
      'rabbitmq.yaml',
      'reference.yaml',
    ]);
    const scenarios = await loadScenarioFiles([fileURLToPath(new URL('../../scenarios', import.meta.url))]);
    const byName = new Map(scenarios.map((scenario) => [scenario.name, scenario]));
    // The reference broker is the spec's reading: it has no known deviations.
    expect(await loadDeviations('reference', '/')).toEqual([]);
    for (const file of files) {
      for (const deviation of await loadDeviations(file.replace('.yaml', ''), '/')) {
        const scenario = byName.get(deviation.scenario);
        expect(scenario, `${file}: unknown scenario ${deviation.scenario}`).toBeDefined();
        const versions = deviation.mqttVersion ? [deviation.mqttVersion] : (['3.1.1', '5.0'] as const);
        const cited = versions.flatMap((version) => scenario?.statements[version] ?? []);
        expect(cited, `${file}: ${deviation.scenario} does not cite ${deviation.statement}`).toContain(
          deviation.statement,
        );
        expect(deviation.description.length).toBeGreaterThan(10);
      }
    }
  });

  it('a kind without a file has no deviations', async () => {
    expect(await loadDeviations('url', '/')).toEqual([]);
  });

  it('maps entries to KnownDeviation', () => {
    const text = `deviations:
  - scenario: connect-empty-client-id
    statement: MQTT-3.1.3-8
    mqtt: '3.1.1'
    behaviour: accepts an empty client id with clean session 0
    reason: upstream design choice
`;
    expect(parseDeviations(text, 'x.yaml')).toEqual([
      {
        scenario: 'connect-empty-client-id',
        statement: 'MQTT-3.1.3-8',
        mqttVersion: '3.1.1',
        description: 'accepts an empty client id with clean session 0',
        reason: 'upstream design choice',
      },
    ]);
  });

  it('reports every schema problem with its line', () => {
    const text = `deviations:
  - scenario: a
    statement: 3.1.3-8
    behaviour: x
    reason: y
  - scenario: b
    statement: MQTT-1.2-3
    extra: 1
`;
    let message = '';
    try {
      parseDeviations(text, 'bad.yaml');
    } catch (error) {
      message = (error as Error).message;
      expect(error).toMatchObject({ reason: 'deviations-invalid' });
    }
    expect(message).toMatch(/bad\.yaml:3:16: deviations\[0\]\.statement: must be a statement id/);
    expect(message).toMatch(/bad\.yaml:8:5: deviations\[1\]\.extra: unknown key 'extra'/);
    expect(message).toMatch(/bad\.yaml:6:5: deviations\[1\]: missing required key 'behaviour'/);
  });

  it('a target config may name its own deviations file, attached to the started target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-dev-'));
    await writeFile(
      join(dir, 'mine.yaml'),
      'deviations:\n  - { scenario: s, statement: MQTT-3.3.1-4, behaviour: b, reason: r }\n',
    );
    const target = await startTarget({ kind: 'aedes', deviations: './mine.yaml' }, { cwd: dir });
    try {
      expect(target.knownDeviations).toEqual([
        { scenario: 's', statement: 'MQTT-3.3.1-4', description: 'b', reason: 'r' },
      ]);
    } finally {
      await target.stop();
    }
  });
});
